/** The item graph's training thread: a retrain at a large catalog takes seconds that feeds must not wait for. */
import { answerRequests } from '../../core/request-worker.ts';
import { trainItemGraph } from './item-graph.ts';

answerRequests(trainItemGraph);
