export { attemptCallLogId } from './attempt-address';
