#pragma once

#include "detection/annotationerrors.h"

#include <QJsonObject>

#include <vector>

namespace loupe {

/** The answer key of planted annotation errors. */
struct PlantedAnnotationErrors
{
    /** Per annotation as given: the error planted in it (WrongClass, BadLocation, Spurious) or None. */
    std::vector<AnnotationIssue> annotations;
    /** The objects removed from the annotations (their true boxes): what overlooked boxes should find. */
    std::vector<Annotation> removed;
};

/** One way of ranking candidates for one kind of error, and how well it finds the planted ones. */
struct IssueRankingQuality
{
    QString method; ///< "loupe", "score only", "IoU only"
    double averagePrecision = 0.0;
    double precisionAtPlanted = 0.0; ///< precision among the top n, n = the planted count (R-precision)
};

/** How well each kind of planted error is found, against two simple baselines. */
struct AnnotationErrorQuality
{
    AnnotationIssue issue = AnnotationIssue::None;
    qint64 candidates = 0; ///< annotations, or predicted boxes for overlooked objects
    qint64 planted = 0;
    std::vector<IssueRankingQuality> methods; ///< Loupe's scores first, then the baselines

    /**
     * For each of the four kinds: the average precision of AnnotationErrors' scores in finding
     * the planted errors of that kind, and of two baselines from one number each:
     *  - score only: the confidence of the predicted box that speaks (overlooked: its own;
     *    wrong class: the best box of another class on the object; bad location: 1 - the best
     *    score of a box of the class on the object; spurious: 1 - the best score of any box
     *    touching it);
     *  - IoU only: the overlap alone (overlooked: 1 - best IoU with an annotation; wrong class:
     *    the best IoU of a box of another class; bad location and spurious: 1 - the best IoU of a
     *    box of the class, of any box).
     * An overlooked candidate is a predicted box; it is right when it covers a removed object
     * (IoU >= 0.5).
     */
    static std::vector<AnnotationErrorQuality>
    measure(const DetectionSet &set, const AnnotationErrors &errors, const PlantedAnnotationErrors &key);

    QJsonObject toJson() const;
};

/** Average precision of scores at finding positives (ties broken against the positives). */
double rankingAveragePrecision(const std::vector<double> &scores, const std::vector<bool> &positive);

} // namespace loupe
