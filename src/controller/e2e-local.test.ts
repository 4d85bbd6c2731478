// The controller's end-to-end suite against Flotilla's local cluster (see testing/controller-suite.ts).
import { defineControllerSuite, localClusterTarget } from './testing/controller-suite.js';

defineControllerSuite(localClusterTarget);
