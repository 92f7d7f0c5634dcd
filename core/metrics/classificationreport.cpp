#include "metrics/classificationreport.h"

#include "dataset/sampletable.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {

double ratio(double numerator, double denominator)
{
    return denominator > 0 ? numerator / denominator : 0.0;
}

void computeAverages(ClassificationReport &report)
{
    const auto classes = double(report.perClass.size());
    for (const ClassMetrics &metrics : report.perClass) {
        report.macroPrecision += metrics.precision / classes;
        report.macroRecall += metrics.recall / classes;
        report.macroF1 += metrics.f1 / classes;
        const double weight = ratio(double(metrics.support), double(report.samples));
        report.weightedPrecision += metrics.precision * weight;
        report.weightedRecall += metrics.recall * weight;
        report.weightedF1 += metrics.f1 * weight;
    }
}

} // namespace

ClassificationReport ClassificationReport::compute(const QStringList &classNames,
                                                   const std::vector<int> &labels,
                                                   const std::vector<int> &predicted,
                                                   const std::vector<float> &loss)
{
    ClassificationReport report;
    report.scope = QStringLiteral("all");
    const auto c = size_t(classNames.size());
    report.confusion.assign(c, std::vector<qint64>(c, 0));
    qint64 correct = 0;
    double lossSum = 0.0;
    qint64 lossCount = 0;
    for (size_t i = 0; i < labels.size(); ++i) {
        const int label = labels[i];
        const int guess = predicted[i];
        if (label < 0 || guess < 0 || size_t(label) >= c || size_t(guess) >= c)
            continue;
        ++report.confusion[size_t(label)][size_t(guess)];
        ++report.samples;
        correct += label == guess;
        if (i < loss.size() && std::isfinite(loss[i])) {
            lossSum += loss[i];
            ++lossCount;
        }
    }
    report.accuracy = ratio(double(correct), double(report.samples));
    report.meanLoss = ratio(lossSum, double(lossCount));

    for (size_t k = 0; k < c; ++k) {
        qint64 predictedAsK = 0;
        qint64 support = 0;
        for (size_t j = 0; j < c; ++j) {
            predictedAsK += report.confusion[j][k];
            support += report.confusion[k][j];
        }
        ClassMetrics metrics;
        metrics.name = classNames.at(qsizetype(k));
        metrics.support = support;
        metrics.precision = ratio(double(report.confusion[k][k]), double(predictedAsK));
        metrics.recall = ratio(double(report.confusion[k][k]), double(support));
        metrics.f1 = ratio(2.0 * metrics.precision * metrics.recall, metrics.precision + metrics.recall);
        report.perClass.push_back(metrics);
    }
    computeAverages(report);
    return report;
}

ClassificationReport ClassificationReport::compute(const SampleTable &table, int splitIndex)
{
    const bool anyExcluded = std::any_of(table.review.begin(), table.review.end(),
                                         [](ReviewStatus s) { return s == ReviewStatus::Excluded; });
    if (splitIndex < 0 && !anyExcluded)
        return compute(table.classNames, table.labels, table.predicted, table.loss);
    // A scope or excluded samples: copy the samples that count.
    std::vector<int> labels;
    std::vector<int> predicted;
    std::vector<float> loss;
    for (size_t i = 0; i < table.labels.size(); ++i) {
        if ((splitIndex >= 0 && table.splitIndex[i] != splitIndex) || table.isExcluded(qint64(i)))
            continue;
        labels.push_back(table.labels[i]);
        predicted.push_back(table.predicted[i]);
        loss.push_back(table.loss[i]);
    }
    ClassificationReport report = compute(table.classNames, labels, predicted, loss);
    if (splitIndex >= 0)
        report.scope = table.splitNames.value(splitIndex);
    return report;
}

QJsonObject ClassificationReport::toJson() const
{
    QJsonArray classes;
    for (const ClassMetrics &metrics : perClass) {
        classes.append(QJsonObject{{QStringLiteral("name"), metrics.name},
                                   {QStringLiteral("precision"), metrics.precision},
                                   {QStringLiteral("recall"), metrics.recall},
                                   {QStringLiteral("f1"), metrics.f1},
                                   {QStringLiteral("support"), metrics.support}});
    }
    QJsonArray matrix;
    for (const auto &row : confusion) {
        QJsonArray cells;
        for (qint64 value : row)
            cells.append(value);
        matrix.append(cells);
    }
    return QJsonObject{{QStringLiteral("scope"), scope},
                       {QStringLiteral("samples"), samples},
                       {QStringLiteral("accuracy"), accuracy},
                       {QStringLiteral("mean_loss"), meanLoss},
                       {QStringLiteral("macro_precision"), macroPrecision},
                       {QStringLiteral("macro_recall"), macroRecall},
                       {QStringLiteral("macro_f1"), macroF1},
                       {QStringLiteral("weighted_precision"), weightedPrecision},
                       {QStringLiteral("weighted_recall"), weightedRecall},
                       {QStringLiteral("weighted_f1"), weightedF1},
                       {QStringLiteral("per_class"), classes},
                       {QStringLiteral("confusion"), matrix}};
}

} // namespace loupe
