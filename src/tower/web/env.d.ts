// Vite imports a stylesheet for its side effect (the build bundles it into a CSS file).
declare module '*.css';
