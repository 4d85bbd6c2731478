// Turns a request path and method into what it asks for (like kube-apiserver's RequestInfo).
import { decodePath } from '../core/index.js';
import { badRequest } from './status-errors.js';

export interface RequestInfo {
  readonly isResource: boolean;
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly namespace: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
  readonly path: string;
}

function verbFor(method: string, hasName: boolean, watch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return hasName ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** Parses /api/v1/... and /apis/G/V/... resource paths; other paths give isResource false. */
export function parseRequestInfo(
  method: string,
  path: string,
  query: URLSearchParams,
): RequestInfo {
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      const decoded = decodePath(p);
      if (decoded === undefined)
        throw badRequest(`malformed request path: ${JSON.stringify(path)}`);
      return decoded;
    });
  const nonResource: RequestInfo = {
    isResource: false,
    verb: method.toLowerCase(),
    group: '',
    version: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    path,
  };
  let rest: string[];
  let group = '';
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else return nonResource;
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  // /namespaces/{ns}/{resource}... but /namespaces/{name}[/status|/finalize] is the namespace itself
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1] ?? '';
    rest = rest.slice(2);
  }
  const resource = rest[0] ?? '';
  const name = rest[1] ?? '';
  const subresource = rest[2] ?? '';
  if (resource === '' || rest.length > 3) return nonResource;
  const watch = watchPrefix || query.get('watch') === 'true' || query.get('watch') === '1';
  let verb = verbFor(method, name !== '', watch);
  if (watch && verb === 'get') verb = 'watch';
  return { isResource: true, verb, group, version, namespace, resource, subresource, name, path };
}
