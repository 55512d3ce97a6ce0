export { EnvironmentCard } from './EnvironmentCard';
