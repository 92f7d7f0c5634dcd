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
    /**
     * Wrong class, with box embeddings: the weight w of the neighbours' labels q in the
     * evidence (1 - w) p + w q, p the boxes' vote. 0 = the boxes alone. See find().
     * w and the neighbours were chosen on the detection demo of seed 7, not the one the README
     * reports (`loupe-cli demo --detection DIR --seed 7`, `loupe-detection-quality
     * DIR/detection.loupe --grid`): wrong-class AP 0.253 with the boxes alone, 0.307 at w =
     * 0.6 and 25 neighbours, the best cell; 0.29-0.31 anywhere from w = 0.3 to 0.7 with 10 to
     * 25 neighbours, 0.255 for the neighbours alone (w = 1).
     */
    double neighbourWeight = 0.6;
    /** How many nearest annotations vote. */
    int neighbours = 25;
    /** Pseudo-count pulling the neighbours' labels toward the label prior (LabelNeighbourhood). */
    double neighbourSmoothing = 1.0;
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
 * The labels of each annotation's nearest annotations where the model sees them, as a
 * distribution over classes (annotationNeighbourLabels() in analysis/labels finds them).
 */
struct AnnotationNeighbourLabels
{
    std::vector<qint64> rowOf;       ///< per annotation: its row of distribution; -1 when no box covers it
    std::vector<float> distribution; ///< rows x categories

    /** The annotation's distribution (categories floats), or null without one. */
    const float *of(size_t annotation, int categories) const
    {
        const qint64 row = rowOf.empty() ? -1 : rowOf[annotation];
        return row < 0 ? nullptr : distribution.data() + size_t(row) * size_t(categories);
    }
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
 * With box embeddings, the wrong-class evidence has a second witness, as label issues have:
 * each annotation is placed where the model sees its object (the embedding of the predicted
 * box that covers it best, IoU >= matchIou: coveringBoxes()), and the labels of its nearest
 * annotations so placed (AnnotationNeighbourLabels, found by findAnnotationErrors() in
 * analysis/labels, which has the kNN) are blended into the boxes' vote with weight
 * neighbourWeight. A mislabelled shirt sits among shirts whatever its label says;
 * a hard but rightly labelled one sits among its own class even when the classifier doubts it.
 *
 * This follows the idea of ObjectLab (Tkachenko et al., 2023: overlooked, swapped and badly
 * located boxes scored from a model's boxes), with the scores kept on one 0-1 scale so one
 * ranked list serves all four kinds.
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
    /** Whether neighbours' labels took part in the wrong-class evidence. */
    bool usedNeighbours = false;

    /**
     * evidence: the boxes' class probabilities, empty when the predictions have none (then a
     * box votes one-hot at its class); neighbours: the neighbours' labels, or none.
     */
    static AnnotationErrors find(const DetectionSet &set, const BoxEvidence &evidence,
                                 const AnnotationErrorParams &params = {},
                                 const AnnotationNeighbourLabels &neighbours = {});
    /** Per annotation: the predicted box covering it best (IoU >= matchIou, score >= minScore); -1 none. */
    static std::vector<qint64> coveringBoxes(const DetectionSet &set, const AnnotationErrorParams &params);

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
