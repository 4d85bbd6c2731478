// sops: decrypting SOPS files (YAML, JSON, dotenv, INI, binary) with age and OpenPGP keys,
// verifying their MAC, as Flux's kustomize-controller does with the sops library.
export { decryptSops, loadEncrypted, SopsError, SopsFailure } from './decrypt.js';
export type { SopsDecryptOptions } from './decrypt.js';
export { SopsFormat, formatForPath, hasSopsMarker, detectSopsFormat } from './format.js';
export { importSopsKeys, mergeKeyrings, emptyKeyring } from './keyring.js';
export type { SopsKeyEntry, SopsKeyring, AgeIdentity, PgpKey } from './keyring.js';
export type { SopsMetadata, MasterKey } from './metadata.js';
