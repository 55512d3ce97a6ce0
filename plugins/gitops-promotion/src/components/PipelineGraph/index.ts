export { PipelineGraph, pipelineColumns } from './PipelineGraph';
