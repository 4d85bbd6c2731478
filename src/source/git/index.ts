// Git library for the source layer: auth, cached mirrors, Flux ref rules, checkout, signatures, history.
export {
  GitTransport,
  prepareGitAuth,
  transportOf,
  type GitAuth,
  type PrepareGitAuthOptions,
  type SecretData,
} from './auth.js';
export { CatFile, type GitObject } from './cat-file.js';
export { checkoutCommit, resolveSubmoduleUrl, type CheckoutOptions } from './checkout.js';
export { checkHistory, type HistoryCheck } from './history.js';
export { GitMirror, normaliseGitUrl, type GitMirrorOptions } from './mirror.js';
export { parseLsRemote, type RemoteRef } from './remote-refs.js';
export { parseCommit, parseTag, type ParsedObject } from './objects.js';
export {
  DEFAULT_BRANCH,
  RefKind,
  commitOfRevision,
  hashDigest,
  parseTagVersion,
  planRef,
  resolveFromRemote,
  revisionString,
  selectSemverTags,
  shortRefName,
  toNodeRange,
  type GitRepositoryRef,
  type RefPlan,
  type ResolvedRef,
} from './ref.js';
export {
  fetchResolved,
  resolveRemoteRef,
  type FetchResolvedOptions,
  type FetchedRevision,
} from './resolve.js';
export {
  planTreeTarball,
  startBlobReader,
  treeTarballStream,
  type BlobReader,
  type TreeTarballOptions,
  type TreeTarballPlan,
} from './tree-tarball.js';
export {
  GitCommandError,
  baseGitEnv,
  redact,
  runGit,
  type RunGitOptions,
  type RunGitResult,
} from './run-git.js';
export {
  parseSshPublicKeys,
  verifySshSignature,
  type SshPublicKey,
  type SshVerified,
} from './ssh-signature.js';
export { loadTrustedKeys, verifyObjectSignature, type TrustedKeys } from './verify.js';
