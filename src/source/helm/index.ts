// helm: the client side of Helm chart repositories (index.yaml over HTTP(S), chart downloads);
// the HelmRepository and HelmChart reconcilers are in controller/.
export { httpGetBytes, type HelmClientOptions } from './http-get.js';
export {
  chartUrlOf,
  indexUrlOf,
  parseIndexFile,
  type ChartVersion,
  type IndexFile,
} from './index-file.js';
