#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace loupe {

struct SampleTable;

/** Precision, recall, F1 and support of one class. */
struct ClassMetrics
{
    QString name;
    double precision = 0.0; // 0 when the class is never predicted
    double recall = 0.0;    // 0 when the class has no samples
    double f1 = 0.0;
    qint64 support = 0; // samples whose given label is this class
};

/**
 * The classification report and confusion matrix of a set of labelled, predicted
 * samples (conventions as scikit-learn's classification_report with zero_division=0).
 * confusion[i][j] counts samples with given label i predicted as j.
 */
struct ClassificationReport
{
    QString scope; // "all" or a split name
    qint64 samples = 0;
    double accuracy = 0.0;
    double meanLoss = 0.0;
    double macroPrecision = 0.0, macroRecall = 0.0, macroF1 = 0.0;
    double weightedPrecision = 0.0, weightedRecall = 0.0, weightedF1 = 0.0;
    std::vector<ClassMetrics> perClass;
    std::vector<std::vector<qint64>> confusion;

    /** From parallel arrays; samples with label < 0 or predicted < 0 are skipped. */
    static ClassificationReport compute(const QStringList &classNames, const std::vector<int> &labels,
                                        const std::vector<int> &predicted,
                                        const std::vector<float> &loss = {});
    /** Over the samples of one split (splitIndex >= 0) or all (splitIndex = -1). */
    static ClassificationReport compute(const SampleTable &table, int splitIndex = -1);

    QJsonObject toJson() const;
};

} // namespace loupe
