/** convkit/lab: the MNIST lab's two models (the CNN and the Dense baseline), their recipes, training and test-set evaluation. */
export { createLabCnn, createDenseBaseline, createLabModel, MODEL_KINDS, type ModelKind, type LabModelOptions } from './lab-models.js';
export { RECIPES, SCHEDULE_KINDS, type Recipe, type ScheduleKind } from './recipes.js';
export { trainLabModel, resolveRecipe, loadData, imagesTensor, type TrainedModel, type TrainExtras } from './train-lab-model.js';
export { evaluateOnTestSet, type Evaluation } from './evaluate-on-test-set.js';
export type { DataOptions, RuntimeOptions, TrainingOptions } from './lab-options.js';
