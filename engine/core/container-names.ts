import { EngineError } from '../errors.ts';
import { randomInt } from './ids.ts';

/**
 * Container names: Docker's shape (`adjective_surname`, `/`-prefixed in the API) from our own
 * lists - the surnames are people who shaped computing and science.
 */
const ADJECTIVES = [
  'agile', 'bold', 'brave', 'bright', 'calm', 'clever', 'cosmic', 'crisp', 'curious', 'daring',
  'eager', 'earnest', 'fearless', 'gentle', 'glad', 'graceful', 'happy', 'humble', 'jolly', 'keen',
  'kind', 'lively', 'lucid', 'mellow', 'merry', 'modest', 'nimble', 'noble', 'patient', 'placid',
  'proud', 'quick', 'quiet', 'radiant', 'serene', 'sharp', 'steady', 'sunny', 'swift', 'tender',
  'tidy', 'upbeat', 'vivid', 'warm', 'wise', 'witty', 'zealous', 'zen',
];

const SURNAMES = [
  'allen', 'babbage', 'backus', 'bartik', 'berners', 'cerf', 'clarke', 'codd', 'conway', 'curie',
  'dijkstra', 'easley', 'engelbart', 'euler', 'feynman', 'franklin', 'gauss', 'goldberg', 'hamilton',
  'hopper', 'jemison', 'johnson', 'kahn', 'kare', 'knuth', 'lamarr', 'lamport', 'liskov', 'lovelace',
  'mcclintock', 'meitner', 'noether', 'perlman', 'ritchie', 'sammet', 'shannon', 'shaw', 'sutherland',
  'tesla', 'thompson', 'torvalds', 'turing', 'vaughan', 'wilkes', 'wing', 'wirth', 'yalow', 'zuse',
];

/** A random `adjective_surname`; after a collision the caller asks again with `retry` > 0 for a digit suffix. */
export function generateName(retry = 0): string {
  const name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`;
  return retry > 0 ? `${name}${randomInt(10)}` : name;
}

const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** A user-given name, checked with Docker's rule and returned in the API's `/name` form. */
export function normalizeName(name: string): string {
  if (!VALID_NAME.test(name)) {
    throw new EngineError('invalid-argument', `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name.startsWith('/') ? name : '/' + name;
}

export function nameInUse(name: string, id: string): EngineError {
  return new EngineError(
    'conflict',
    `Conflict. The container name "${name}" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
  );
}
