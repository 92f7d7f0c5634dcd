#pragma once

#include "detection/annotationerrors.h"

namespace loupe {

/**
 * The labels of each annotation's nearest annotations in the model's box embeddings: each
 * annotation placed at the embedding of the predicted box covering it best
 * (AnnotationErrors::coveringBoxes), scaled to unit length, its params.neighbours nearest so
 * placed voting with their labels (LabelNeighbourhood). Empty without embeddings that fit the
 * boxes, with neighbourWeight 0, or with fewer than two annotations covered.
 */
AnnotationNeighbourLabels annotationNeighbourLabels(const DetectionSet &set, const BoxEvidence &evidence,
                                                    const AnnotationErrorParams &params = {});

/**
 * AnnotationErrors::find with the neighbours' labels when the run has box embeddings: what
 * every view and report uses.
 */
AnnotationErrors findAnnotationErrors(const DetectionSet &set, const BoxEvidence &evidence,
                                      const AnnotationErrorParams &params = {});

} // namespace loupe
