#pragma once

#include "dataset/stringcolumn.h"
#include "metrics/classificationreport.h"
#include "storage/project.h"

#include <QJsonObject>
#include <QString>

#include <vector>

namespace loupe {

struct SampleTable;

/** A group of samples (a failure cluster or a metadata slice) and its error rate in both runs. */
struct GroupDelta
{
    QString name; // "cluster 12", "split = test", "brightness in [0.21, 0.34)"
    qint64 size = 0;
    qint64 labelled = 0;
    qint64 errorsBefore = 0;
    qint64 errorsAfter = 0;

    double rateBefore() const { return labelled > 0 ? double(errorsBefore) / double(labelled) : 0.0; }
    double rateAfter() const { return labelled > 0 ? double(errorsAfter) / double(labelled) : 0.0; }
    double rateChange() const { return rateAfter() - rateBefore(); }
};

/**
 * Run "before" against run "after" on the same samples and the current labels: did the
 * retraining (or the cleaned labels) help, where, and what did it break?
 *
 * - the classification reports of both runs (overall and per class);
 * - per failure cluster and per metadata slice, the error rate in both runs; groups are
 *   the ones the analysis found for the before run (the failures the team set out to fix);
 * - the samples fixed (wrong before, right after) and regressed (right before, wrong after),
 *   the largest change in loss first;
 * - the likely label errors of the before run that the after run no longer flags.
 * Excluded samples (review marks) are left out, as in the report.
 */
struct RunComparison
{
    RunInfo before;
    RunInfo after;
    ClassificationReport reportBefore;
    ClassificationReport reportAfter;
    std::vector<GroupDelta> clusters; // the before run's k-means clusters, largest |rate change| first
    std::vector<GroupDelta> slices;   // the before run's slices, largest |rate change| first
    std::vector<qint64> fixed;        // sample indices
    std::vector<qint64> regressed;
    std::vector<qint64> issuesResolved; // flagged before, not after; empty unless both runs were analysed
    qint64 issuesBefore = -1;           // flagged samples; -1 when that run was not analysed
    qint64 issuesAfter = -1;

    /** Compares the runs with ids before and after of project; throws loupe::Error. */
    static RunComparison compute(Project &project, int before, int after);

    /** The figures as JSON (`loupe-cli compare --json`); ids name the samples. */
    QJsonObject toJson(const StringColumn &ids, int sampleLimit = 100) const;
};

/** The run whose name or id is nameOrId; throws loupe::Error listing the runs when there is none. */
RunInfo findRun(const Project &project, const QString &nameOrId);

} // namespace loupe
