export { EnvironmentCard, promoteBlocker } from './EnvironmentCard';
