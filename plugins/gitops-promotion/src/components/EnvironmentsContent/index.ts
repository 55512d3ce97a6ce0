export {
  EnvironmentsContent,
  ServiceEnvironments,
} from './EnvironmentsContent';
