// Identities and write options the built-in controllers use for their own writes.
import type { UserInfo } from './auth.js';
import { FieldValidation, type WriteOptions } from './object-api.js';

export function controllerUser(name: string): UserInfo {
  return {
    username: `system:serviceaccount:kube-system:${name}`,
    uid: name,
    groups: ['system:serviceaccounts', 'system:authenticated'],
  };
}

export function controllerWrite(name: string, manager = name): WriteOptions {
  return {
    user: controllerUser(name),
    dryRun: false,
    manager,
    fieldValidation: FieldValidation.Ignore,
  };
}
