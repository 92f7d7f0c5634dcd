#pragma once

#include "detection/detections.h"

#include <QString>

#include <vector>

namespace loupe {

/** What may be wrong with an annotation, or missing from the annotations. */
enum class AnnotationIssue {
    None,
    Overlooked,  ///< an object the annotators missed: a confident box on nothing annotated (fix: add it)
    WrongClass,  ///< the object is of another class (fix: relabel)
    BadLocation, ///< the box is off the object (fix: move it)
    Spurious,    ///< nothing there: no box of the model supports it (fix: delete it)
};
constexpr int kAnnotationIssues = 5;

/** "overlooked", "wrong_class", "bad_location", "spurious" ("none"). */
QString annotationIssueName(AnnotationIssue issue);

/** Parameters of AnnotationErrors::find. */
struct AnnotationErrorParams
{
    double matchIou = 0.5;   ///< a predicted box this close covers the same object
    double minOverlap = 0.1; ///< below this a predicted box is about another place
    double minScore = 0.05;  ///< predicted boxes scored lower are not evidence
};

/** One suggested correction, with how sure the evidence is (0 to 1). */
struct AnnotationSuggestion
{
    AnnotationIssue issue = AnnotationIssue::None;
    double score = 0.0;
    qint64 image = 0;
    qint64 annotation = -1; ///< the annotation concerned; -1 for an overlooked object
    qint64 detection = -1;  ///< the predicted box the evidence comes from; -1 none (spurious)
    int newClass = -1;      ///< wrong class: the suggested class; overlooked: the new box's class
    Box newBox;             ///< bad location and overlooked: where the box should be
};

/**
 * Annotation errors of a detection data set, found from a model's boxes: the detection
 * counterpart of label issues. Each annotation (crowd regions aside) gets three scores in
 * [0, 1] and each predicted box one, each the strength of the evidence for one error:
 *
 *  - wrong class: the predicted boxes on the object (IoU >= matchIou) vote with their class
 *    probabilities (one-hot at their class when none were given), each weighted by score x
 *    IoU; the score is the best other class's share minus the annotated class's, when
 *    positive, and that class is the fix;
 *  - bad location: the best box of the annotated class by score x IoU with minOverlap <=
 *    IoU < matchIou, when no box of the class covers the object better; the score is its
 *    score x (1 - IoU), its box the fix;
 *  - spurious: 1 - the strongest support, max over boxes of any class of score x min(1, IoU /
 *    minOverlap): a box touching the annotation says something is there, if not exactly (a
 *    badly placed annotation is not spurious); the fix is to delete the annotation;
 *  - overlooked (per predicted box): its score x max(0, 1 - m / matchIou), m its best IoU
 *    with any annotation (a crowd region by its own rule): a box on nothing counts fully, a
 *    box on an annotated object not at all, nor a box that an annotation's bad location
 *    points to (moving that annotation is the fix); the fix is to add it.
 *
 * This follows the idea of ObjectLab (Tkachenko et al., 2023: overlooked, swapped and badly
 * located boxes scored from a model's boxes), with the scores kept on one 0-1 scale so one
 * ranked list serves all four kinds. Box embeddings (a nearest-neighbour vote, as label
 * issues use) are not used yet.
 */
struct AnnotationErrors
{
    /** Per annotation: the evidence for each issue (AnnotationIssue index), and the fixes. */
    struct Scores
    {
        double wrongClass = 0.0;
        double badLocation = 0.0;
        double spurious = 0.0;
        int suggestedClass = -1;
        qint64 wrongClassBox = -1; ///< the strongest box of the suggested class
        qint64 locationBox = -1;   ///< the box the annotation should move to
        qint64 supportBox = -1;    ///< the box that supports it most
    };
    std::vector<Scores> annotations; ///< parallel to DetectionSet::annotations
    std::vector<double> overlooked;  ///< parallel to DetectionSet::detections

    /**
     * probabilities: detections x categories (row-major), or empty when the predictions have
     * only a class and a score.
     */
    static AnnotationErrors find(const DetectionSet &set, const std::vector<float> &probabilities,
                                 const AnnotationErrorParams &params = {});

    /** The annotation's strongest suggestion scoring above minimum; issue None when there is none. */
    AnnotationSuggestion strongestFor(const DetectionSet &set, qint64 annotation, double minimum = 0.0) const;
    /** The predicted box as an overlooked object, when it scores above minimum; issue None when not. */
    AnnotationSuggestion overlookedFor(const DetectionSet &set, qint64 detection, double minimum = 0.0) const;
    /** Every suggestion with a score above minimum, the strongest first; at most one per annotation. */
    std::vector<AnnotationSuggestion> ranked(const DetectionSet &set, double minimum = 0.0) const;

    /** Per image: its strongest suggestion's score (0 without any). */
    std::vector<double> imageScores(const DetectionSet &set) const;
};

} // namespace loupe
