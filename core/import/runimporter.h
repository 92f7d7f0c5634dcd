#pragma once

#include <QString>
#include <QStringList>

namespace loupe {

class Progress;
class Project;

/** What importRun() added. */
struct RunImportSummary
{
    int runId = -1;
    QString name;
    qint64 samples = 0;
    bool hasEmbeddings = false;
    bool hasCoords = false;
    bool hasHistory = false;
    QStringList notes;
};

/**
 * Adds another model run to an existing project: the predictions (predictions.npy or
 * logits.npy) of a retrained or different model for the same samples, with optional
 * embeddings.npy, coords.npy and history.csv (docs/import-format.md, "Another run").
 *
 * Rows are matched to samples by the `id` column of the folder's samples.csv (other
 * columns are ignored, so the dataset folder itself works); without samples.csv the rows
 * must be in the project's sample order. Every sample of the project must be there once.
 * Scores are computed against the current labels. Everything is checked first and then
 * written in one transaction: on any problem (or cancel) the project is unchanged.
 * Throws loupe::Error listing the problems as `file:row: problem`, or Cancelled.
 */
RunImportSummary importRun(Project &project, const QString &folder, const QString &runName,
                           Progress &progress);

} // namespace loupe
