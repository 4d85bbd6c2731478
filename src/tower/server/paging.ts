// Paging and list parameters shared by every list the API serves (page, pageSize, repeated
// filters), read from a URL's query with clear errors for bad values.
import type { Page } from '../api/types.js';
import { HttpError } from './http/errors.js';

export interface Paging {
  /** 1-based. */
  readonly page: number;
  readonly pageSize: number;
}

export const DEFAULT_PAGE_SIZE = 50;
/** No page carries more than this, whatever is asked. */
export const MAX_PAGE_SIZE = 200;

export function pageOf<T>(items: readonly T[], paging: Paging): Page<T> {
  const start = (paging.page - 1) * paging.pageSize;
  return {
    items: items.slice(start, start + paging.pageSize),
    total: items.length,
    page: paging.page,
    pageSize: paging.pageSize,
  };
}

function positiveInt(params: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new HttpError(
      400,
      'BadQuery',
      `query parameter ${name}: expected a whole number from 1 to ${max}, got '${raw}'`,
    );
  }
  return n;
}

export function pagingOf(params: URLSearchParams): Paging {
  return {
    page: positiveInt(params, 'page', 1, 1_000_000),
    pageSize: positiveInt(params, 'pageSize', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  };
}

/** A repeatable filter: `?cluster=a&cluster=b` or `?cluster=a,b`. */
export function listParam(params: URLSearchParams, name: string): string[] {
  return params
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** A repeatable filter whose values must come from a fixed set. */
export function enumListParam<T extends string>(
  params: URLSearchParams,
  name: string,
  allowed: readonly T[],
): T[] {
  const values = listParam(params, name);
  for (const v of values) {
    if (!(allowed as readonly string[]).includes(v)) {
      throw new HttpError(
        400,
        'BadQuery',
        `query parameter ${name}: '${v}' is not one of ${allowed.join(', ')}`,
      );
    }
  }
  return values as T[];
}

export function enumParam<T extends string>(
  params: URLSearchParams,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const v = params.get(name);
  if (v === null || v === '') return fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new HttpError(
      400,
      'BadQuery',
      `query parameter ${name}: '${v}' is not one of ${allowed.join(', ')}`,
    );
  }
  return v as T;
}
