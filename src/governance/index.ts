export {
  TokenVerifier,
  hashSecret,
  issueApiToken,
  parseToken,
  verifySecret,
  type Principal,
} from './api-token.js';
export { AUTHORITY_ORG_ID, roleAtLeast } from './authority.js';
