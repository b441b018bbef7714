import { EngineError } from '../errors.ts';
import { parseDigest, type Digest } from './digest.ts';

/**
 * An image reference as Docker reads it: `[domain/]path[:tag][@digest]`.
 * `domain` is absent for the default registry (Docker Hub for Docker; the built-in registry in the
 * playground); `docker.io/library/box` and `box` parse to the same reference.
 * A reference with neither tag nor digest gets the tag `latest`.
 */
export interface Reference {
  domain?: string;
  path: string;
  tag?: string;
  digest?: Digest;
}

export const DEFAULT_TAG = 'latest';
const DEFAULT_DOMAINS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const OFFICIAL_PREFIX = 'library/';
const MAX_NAME_LENGTH = 255;

// distribution/reference grammar: path components are lowercase alphanumerics joined by
// one of `.`, `_`, `__` or a run of `-`; tags are `[\w][\w.-]{0,127}`.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[0-9a-fA-F:.]+(?:%[\w.-]+)?\]$/;
const PORT = /^[0-9]+$/;

function invalid(detail?: string): EngineError {
  return new EngineError('invalid-argument', detail ? `invalid reference format: ${detail}` : 'invalid reference format');
}

function quote(s: string): string {
  return s.length > 80 ? s.slice(0, 80) + '...' : s;
}

/** Parse a Docker-style image reference; every refusal says what is wrong. */
export function parseReference(input: string): Reference {
  if (typeof input !== 'string' || input === '') throw invalid('empty reference');
  if (/\s/.test(input)) throw invalid(`"${quote(input)}" contains whitespace`);

  let rest = input;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    try {
      digest = parseDigest(rest.slice(at + 1));
    } catch (e) {
      throw invalid(`digest in "${quote(input)}": ${(e as Error).message}`);
    }
    rest = rest.slice(0, at);
  }

  // A tag is after the last ':' that follows the last '/' (so `host:5000/app` has no tag).
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      throw invalid(
        tag.length > 128
          ? `tag is ${tag.length} characters long (at most 128)`
          : `tag "${quote(tag)}" must start with a letter, digit or "_" and contain only letters, digits, "_", "." and "-"`,
      );
    }
  }
  if (rest === '') throw invalid(`"${quote(input)}" has no repository name`);
  if (/^[a-f0-9]{64}$/.test(rest) && tag === undefined && digest === undefined) {
    throw invalid(`repository name (${rest}) cannot be a 64-character hexadecimal string (did you mean an image ID?)`);
  }

  // Docker's rule: the first component is a registry if it has a '.' or ':' or is 'localhost'.
  // (Unlike Docker, an uppercase first component is not taken as a registry: `A/b` is a mistake.)
  let domain: string | undefined;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    // A dotted first component that is no host name (`..`, `a_b.c`) is read as a path component
    // instead, so the message is about the repository name.
    if (first.includes(':') || first === 'localhost' || (first.includes('.') && isHost(first))) {
      domain = first;
      rest = rest.slice(slash + 1);
      checkDomain(domain);
    }
  }
  const path = rest;
  if (path !== path.toLowerCase()) throw invalid(`repository name (${quote(path)}) must be lowercase`);
  for (const component of path.split('/')) {
    if (component === '') throw invalid(`repository name (${quote(path)}) has an empty path component`);
    if (!PATH_COMPONENT.test(component)) {
      throw invalid(`repository name component "${quote(component)}" in (${quote(path)}) may only contain a-z, 0-9 and the separators ".", "_", "__", "-" between them`);
    }
  }
  if (domain !== undefined && DEFAULT_DOMAINS.has(domain.toLowerCase())) {
    domain = undefined;
  }
  const fullName = (domain ? domain + '/' : '') + path;
  if (fullName.length > MAX_NAME_LENGTH) throw invalid(`repository name must not be longer than ${MAX_NAME_LENGTH} characters`);

  const ref: Reference = { path: domain === undefined && path.startsWith(OFFICIAL_PREFIX) && !path.slice(OFFICIAL_PREFIX.length).includes('/') ? path.slice(OFFICIAL_PREFIX.length) : path };
  if (domain !== undefined) ref.domain = domain;
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  if (tag === undefined && digest === undefined) ref.tag = DEFAULT_TAG;
  return ref;
}

/** Whether a name spells out a tag or digest itself (`box:1`, `box@sha256:...`), not just `latest` by default. */
export function namesTagOrDigest(input: string): boolean {
  return input.includes('@') || input.lastIndexOf(':') > input.lastIndexOf('/');
}

function isHost(host: string): boolean {
  return IPV6_HOST.test(host) || host.split('.').every((c) => DOMAIN_COMPONENT.test(c));
}

function checkDomain(domain: string): void {
  let host = domain;
  const portColon = domain.lastIndexOf(':');
  if (portColon >= 0 && !domain.endsWith(']')) {
    const port = domain.slice(portColon + 1);
    host = domain.slice(0, portColon);
    if (!PORT.test(port)) throw invalid(`registry "${quote(domain)}" has an invalid port`);
  }
  if (!isHost(host)) throw invalid(`registry host "${quote(domain)}" is not a valid host name`);
}

/** A repository path as registries name it (`library/box`, `team/app`): the grammar above, no domain. */
export function isRepositoryPath(path: string): boolean {
  return typeof path === 'string' && path.length > 0 && path.length <= MAX_NAME_LENGTH && path.split('/').every((c) => PATH_COMPONENT.test(c));
}

/** A tag as the reference grammar allows it. */
export function isTag(tag: string): boolean {
  return typeof tag === 'string' && TAG.test(tag);
}

/** REPOSITORY as `docker images` shows it: `box`, `team/app`, `localhost:5000/team/app`. */
export function familiarRepository(ref: Reference): string {
  return (ref.domain ? ref.domain + '/' : '') + ref.path;
}

/** `box:latest` (or `box@sha256:...` when there is no tag), as Docker prints references. */
export function familiarName(ref: Reference): string {
  const repo = familiarRepository(ref);
  if (ref.tag !== undefined) return `${repo}:${ref.tag}`;
  return ref.digest ? `${repo}@${ref.digest}` : repo;
}

/** The whole reference, tag and digest both when present; parses back to an equal Reference. */
export function formatReference(ref: Reference): string {
  return familiarRepository(ref) + (ref.tag !== undefined ? ':' + ref.tag : '') + (ref.digest ? '@' + ref.digest : '');
}

/** Fully qualified, as Docker's `docker.io/library/box:latest`: domain-less names get `docker.io`. */
export function qualifiedName(ref: Reference): string {
  const path = ref.domain === undefined && !ref.path.includes('/') ? OFFICIAL_PREFIX + ref.path : ref.path;
  return formatReference({ ...ref, domain: ref.domain ?? 'docker.io', path });
}
