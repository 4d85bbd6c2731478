// The extended built-in functions of the Rego engine: regex, glob, time, net, uuid, rand, crypto, jwt, JSON Schema, AWS request signing.
import type { BuiltinDef } from '../builtin-types.js';
import { AWS_BUILTINS } from './aws-sign.js';
import { GLOB_BUILTINS } from './glob.js';
import { HASH_BUILTINS } from './hash.js';
import { JSON_SCHEMA_BUILTINS } from './json-schema-builtins.js';
import { JWT_BUILTINS } from './jwt.js';
import { NET_BUILTINS } from './net.js';
import { REGEX_BUILTINS } from './regex.js';
import { TIME_BUILTINS } from './time.js';
import { UUID_RAND_BUILTINS } from './uuid-rand.js';
import { X509_BUILTINS } from './x509.js';

/** Every extended built-in (names are unique). */
export const EXT_BUILTINS: readonly BuiltinDef[] = [
  ...REGEX_BUILTINS,
  ...GLOB_BUILTINS,
  ...TIME_BUILTINS,
  ...NET_BUILTINS,
  ...UUID_RAND_BUILTINS,
  ...HASH_BUILTINS,
  ...JWT_BUILTINS,
  ...X509_BUILTINS,
  ...JSON_SCHEMA_BUILTINS,
  ...AWS_BUILTINS,
];
