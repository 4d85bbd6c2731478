// Tower's web app: the top bar (screens, live status, login) and the screen of the current URL.
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { RequestError, loadSession, login, logout, useConnected, useSession } from './api.js';
import { ErrorBox } from './components.js';
import { navigate, onLinkClick, useLocation } from './router.js';
import { AppScreen } from './screens/app.js';
import { ChangesScreen } from './screens/changes.js';
import { ComplianceScreen } from './screens/compliance.js';
import { FleetScreen } from './screens/fleet.js';
import { ImagesScreen } from './screens/images.js';
import './styles.css';

const SCREENS = [
  ['/fleet', 'Fleet'],
  ['/images', 'Images'],
  ['/changes', 'Changes'],
  ['/compliance', 'Compliance'],
] as const;

function LoginForm({ onClose }: { onClose: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<RequestError | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await login(token);
      onClose();
    } catch (err) {
      setError(err instanceof RequestError ? err : new RequestError(0, 'Error', String(err)));
    }
  };
  return (
    <form class="login" onSubmit={(e) => void submit(e)}>
      <input
        type="password"
        name="token"
        autoComplete="current-password"
        placeholder="Bearer token"
        value={token}
        onInput={(e) => setToken((e.target as HTMLInputElement).value)}
      />
      <button type="submit" class="primary">
        Log in
      </button>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      {error ? <ErrorBox error={error} /> : null}
    </form>
  );
}

function UserBox() {
  const session = useSession();
  const [open, setOpen] = useState(false);
  if (!session.loaded) return null;
  if (session.readOnly)
    return (
      <span class="badge badge-readonly" title="Started without logins: actions are off">
        read-only
      </span>
    );
  if (session.user) {
    return (
      <span class="user">
        {session.user}{' '}
        <button type="button" onClick={() => void logout()}>
          Log out
        </button>
      </span>
    );
  }
  return open ? (
    <LoginForm onClose={() => setOpen(false)} />
  ) : (
    <button type="button" onClick={() => setOpen(true)} data-action="login">
      Log in
    </button>
  );
}

function Screen() {
  const loc = useLocation();
  const m = /^\/apps\/([^/]+\/[^/]+\/[^/]+\/[^/]+)$/.exec(loc.path);
  if (m?.[1]) return <AppScreen key={m[1]} id={m[1]} loc={loc} />;
  switch (loc.path) {
    case '/images':
      return <ImagesScreen loc={loc} />;
    case '/changes':
      return <ChangesScreen loc={loc} />;
    case '/compliance':
      return <ComplianceScreen loc={loc} />;
    case '/fleet':
      return <FleetScreen loc={loc} />;
    default:
      navigate('/fleet', true);
      return null;
  }
}

function App() {
  const loc = useLocation();
  const connected = useConnected();
  const section = loc.path.startsWith('/apps/') ? '/fleet' : loc.path;
  return (
    <div class="layout" onClick={onLinkClick}>
      <header class="topbar">
        <a href="/fleet" class="brand">
          Flotilla <span>Tower</span>
        </a>
        <nav>
          {SCREENS.map(([path, label]) => (
            <a key={path} href={path} class={section === path ? 'on' : ''}>
              {label}
            </a>
          ))}
        </nav>
        <span
          class={connected ? 'live on' : 'live'}
          title={connected ? 'Live updates on' : 'Reconnecting…'}
        >
          {connected ? 'live' : 'offline'}
        </span>
        <UserBox />
      </header>
      <main>
        <Screen />
      </main>
    </div>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
void loadSession();
