export { StatusChips } from './StatusChips';
