#include "analysis/slices/slicefinder.h"

#include <algorithm>
#include <numeric>

#include <sqlite3.h>

#include <QHash>
#include <QLocale>
#include <QRegularExpression>

#include "analysis/clustering/clusterreport.h"
#include "common/error.h"
#include "common/progress.h"
#include "common/sqlidentifier.h"
#include "dataset/sampletable.h"

namespace loupe {

namespace {

/** What every slice sums over its samples: evaluated, error and class-expected error per sample. */
struct SampleFacts
{
    std::vector<char> evaluated;
    std::vector<char> error;
    std::vector<double> expected;          // the overall error rate of the sample's given class
    std::vector<double> expectedPredicted; // the error rate of the sample's predicted class (1 - precision)
    const std::vector<float> *loss = nullptr;
    qint64 evaluatedTotal = 0;
    qint64 errorTotal = 0;
    double overallRate = NAN;
};

SampleFacts sampleFacts(const SampleTable &table)
{
    const size_t n = size_t(table.size());
    const int classes = int(table.classNames.size());
    SampleFacts facts;
    facts.evaluated.assign(n, 0);
    facts.error.assign(n, 0);
    facts.expected.assign(n, 0.0);
    facts.expectedPredicted.assign(n, 0.0);
    facts.loss = &table.loss;
    std::vector<qint64> classEvaluated(size_t(classes), 0), classErrors(size_t(classes), 0);
    std::vector<qint64> predictedEvaluated(size_t(classes), 0), predictedErrors(size_t(classes), 0);
    for (size_t i = 0; i < n; ++i) {
        const int label = table.labels[i], guess = table.predicted[i];
        if (label < 0 || guess < 0 || label >= classes || guess >= classes)
            continue;
        facts.evaluated[i] = 1;
        facts.error[i] = guess != label;
        ++classEvaluated[size_t(label)];
        classErrors[size_t(label)] += guess != label;
        ++predictedEvaluated[size_t(guess)];
        predictedErrors[size_t(guess)] += guess != label;
    }
    for (size_t i = 0; i < n; ++i) {
        if (!facts.evaluated[i])
            continue;
        const auto label = size_t(table.labels[i]);
        facts.expected[i] = double(classErrors[label]) / double(classEvaluated[label]);
        const auto guess = size_t(table.predicted[i]);
        facts.expectedPredicted[i] = double(predictedErrors[guess]) / double(predictedEvaluated[guess]);
        ++facts.evaluatedTotal;
        facts.errorTotal += facts.error[i];
    }
    if (facts.evaluatedTotal > 0)
        facts.overallRate = double(facts.errorTotal) / double(facts.evaluatedTotal);
    return facts;
}

/** One dimension cut into groups: a group per sample (-1: in none) and each group's label and condition. */
struct Grouping
{
    QString column;
    std::vector<int> groupOf;
    QStringList values;
    QStringList conditions;
    /**
     * Slices by predicted class select on the outcome, so the given-label class mix says
     * nothing about them: their baseline is the predicted class's own error rate instead,
     * which makes their class-adjusted excess zero, as it is for slices by given label.
     */
    bool byPrediction = false;

    int addGroup(const QString &value, const QString &condition)
    {
        values << value;
        conditions << condition;
        return int(values.size()) - 1;
    }
};

QString sqlIdentifier(const QString &name)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    const QByteArray utf8 = name.toUtf8();
    if (plain.match(name).hasMatch() && !sqlite3_keyword_check(utf8.constData(), int(utf8.size())))
        return name;
    return quoteSqlIdentifier(name);
}

QString sqlText(const QString &value)
{
    QString quoted = value;
    quoted.replace(QLatin1Char('\''), QStringLiteral("''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

/** Shortest text that reads back as exactly this double, so `column = text` matches it. */
QString exactNumber(double value, MetadataColumn::Type type)
{
    if (type == MetadataColumn::Type::Integer)
        return QString::number(qint64(value));
    return QString::number(value == 0.0 ? 0.0 : value, 'g', QLocale::FloatingPointShortest);
}

/** Groups by a name per sample index (split, label, predicted): -1 is the NULL group. */
Grouping namedGrouping(const QString &column, const std::vector<int> &indexOf, const QStringList &names)
{
    Grouping grouping;
    grouping.column = column;
    for (const QString &name : names)
        grouping.addGroup(name, column + QStringLiteral(" = ") + sqlText(name));
    int nullGroup = -1;
    grouping.groupOf.resize(indexOf.size());
    for (size_t i = 0; i < indexOf.size(); ++i) {
        int group = indexOf[i];
        if (group < 0 || group >= names.size()) {
            if (nullGroup < 0)
                nullGroup = grouping.addGroup(QStringLiteral("(none)"), column + QStringLiteral(" IS NULL"));
            group = nullGroup;
        }
        grouping.groupOf[i] = group;
    }
    return grouping;
}

/** A text column: one group for each of its maxValues most frequent values, and NULL. */
Grouping textGrouping(const SampleMetadataColumn &column, int maxValues)
{
    std::vector<qint64> frequency(size_t(column.categories.size()), 0);
    for (const int code : column.codes)
        if (code >= 0)
            ++frequency[size_t(code)];
    std::vector<int> order(frequency.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        if (frequency[size_t(a)] != frequency[size_t(b)])
            return frequency[size_t(a)] > frequency[size_t(b)];
        return column.categories.at(a) < column.categories.at(b);
    });
    const QString name = sqlIdentifier(column.name);
    Grouping grouping;
    grouping.column = column.name;
    std::vector<int> groupOfCode(frequency.size(), -1);
    for (size_t r = 0; r < order.size() && r < size_t(maxValues); ++r) {
        const QString &value = column.categories.at(order[r]);
        if (frequency[size_t(order[r])] > 0)
            groupOfCode[size_t(order[r])] =
                grouping.addGroup(value, name + QStringLiteral(" = ") + sqlText(value));
    }
    int nullGroup = -1;
    grouping.groupOf.resize(column.codes.size());
    for (size_t i = 0; i < column.codes.size(); ++i) {
        const int code = column.codes[i];
        if (code < 0 && nullGroup < 0)
            nullGroup = grouping.addGroup(QStringLiteral("(none)"), name + QStringLiteral(" IS NULL"));
        grouping.groupOf[i] = code < 0 ? nullGroup : groupOfCode[size_t(code)];
    }
    return grouping;
}

/** "0.20" -> "0.2", "3.00" -> "3": shorter conditions, same value. */
QString withoutTrailingZeros(QString number)
{
    if (!number.contains(QLatin1Char('.')))
        return number;
    while (number.endsWith(QLatin1Char('0')))
        number.chop(1);
    if (number.endsWith(QLatin1Char('.')))
        number.chop(1);
    return number;
}

/**
 * Quantile bin edges rounded to the coarsest decimal step (two significant digits of the
 * range, finer if needed) that keeps the distinct quantiles distinct. Edges at or below the
 * minimum would leave an empty first bin and are dropped. Returns the edges' text; their
 * values are read back from it so counts match the SQL.
 */
QStringList readableEdges(const std::vector<double> &sorted, int bins, MetadataColumn::Type type)
{
    const double low = sorted.front(), high = sorted.back();
    if (!(high > low))
        return {};
    std::vector<double> raw;
    for (int j = 1; j < bins; ++j) {
        const double q = sorted[size_t(double(j) * double(sorted.size()) / bins)];
        if (q > low && (raw.empty() || q > raw.back()))
            raw.push_back(q);
    }
    const int coarsest = int(std::floor(std::log10(high - low))) - 1;
    for (int digits = coarsest; digits > coarsest - 12; --digits) {
        const double step = type == MetadataColumn::Type::Integer ? std::max(1.0, std::pow(10.0, digits))
                                                                  : std::pow(10.0, digits);
        const int decimals = step >= 1.0 ? 0 : -digits;
        QStringList text;
        double previous = low;
        for (const double q : raw) {
            double rounded = std::round(q / step) * step;
            rounded = rounded == 0.0 ? 0.0 : rounded; // no "-0.00"
            const QString edge = withoutTrailingZeros(QString::number(rounded, 'f', decimals));
            const double value = edge.toDouble();
            if (value > previous && value <= high) {
                text << edge;
                previous = value;
            }
        }
        if (text.size() == qsizetype(raw.size()) || step == 1.0)
            return text;
    }
    return {};
}

/** A numeric column: one group per value when it has few, else quantile bins; and NULL. */
Grouping numericGrouping(const SampleMetadataColumn &column, const SliceFinderParams &params)
{
    const QString name = sqlIdentifier(column.name);
    Grouping grouping;
    grouping.column = column.name;
    grouping.groupOf.assign(column.numbers.size(), -1);
    std::vector<double> sorted; // finite values; infinities still fall in the first or last bin
    for (const double v : column.numbers)
        if (std::isfinite(v))
            sorted.push_back(v);
    std::sort(sorted.begin(), sorted.end());
    std::vector<double> distinct = sorted;
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());

    if (!distinct.empty() && distinct.size() <= size_t(params.maxNumericValues)) {
        for (const double v : distinct) {
            const QString text = exactNumber(v, column.type);
            grouping.addGroup(text, name + QStringLiteral(" = ") + text);
        }
        for (size_t i = 0; i < column.numbers.size(); ++i) {
            const auto it = std::lower_bound(distinct.begin(), distinct.end(), column.numbers[i]);
            if (it != distinct.end() && *it == column.numbers[i])
                grouping.groupOf[i] = int(it - distinct.begin());
        }
    } else if (!distinct.empty()) {
        const QStringList text = readableEdges(sorted, params.quantileBins, column.type);
        std::vector<double> edges;
        for (const QString &edge : text)
            edges.push_back(edge.toDouble());
        if (text.isEmpty()) {
            grouping.addGroup(QStringLiteral("(any)"), name + QStringLiteral(" IS NOT NULL"));
        } else {
            grouping.addGroup(QStringLiteral("< ") + text.front(),
                              name + QStringLiteral(" < ") + text.front());
            for (qsizetype e = 0; e + 1 < text.size(); ++e)
                grouping.addGroup(
                    QStringLiteral("[%1, %2)").arg(text.at(e), text.at(e + 1)),
                    QStringLiteral("%1 >= %2 AND %1 < %3").arg(name, text.at(e), text.at(e + 1)));
            grouping.addGroup(QStringLiteral(">= ") + text.back(),
                              name + QStringLiteral(" >= ") + text.back());
        }
        for (size_t i = 0; i < column.numbers.size(); ++i)
            if (!std::isnan(column.numbers[i]))
                grouping.groupOf[i] =
                    int(std::upper_bound(edges.begin(), edges.end(), column.numbers[i]) - edges.begin());
    }
    int nullGroup = -1;
    for (size_t i = 0; i < column.numbers.size(); ++i) {
        if (!std::isnan(column.numbers[i]))
            continue;
        if (nullGroup < 0)
            nullGroup = grouping.addGroup(QStringLiteral("(none)"), name + QStringLiteral(" IS NULL"));
        grouping.groupOf[i] = nullGroup;
    }
    return grouping;
}

/** Sums each group of a grouping in one pass and turns the groups into slices. */
void appendSlices(const Grouping &grouping, const SampleFacts &facts, const SliceFinderParams &params,
                  std::vector<Slice> &slices)
{
    const size_t groups = size_t(grouping.values.size());
    std::vector<qint64> count(groups, 0), evaluated(groups, 0), errors(groups, 0), losses(groups, 0);
    std::vector<double> lossSum(groups, 0.0), expected(groups, 0.0);
    std::vector<std::vector<qint64>> errorRows(params.keepErrorRows ? groups : 0);
    for (size_t i = 0; i < grouping.groupOf.size(); ++i) {
        const int g = grouping.groupOf[i];
        if (g < 0)
            continue;
        ++count[size_t(g)];
        if (facts.evaluated[i]) {
            ++evaluated[size_t(g)];
            errors[size_t(g)] += facts.error[i];
            if (params.keepErrorRows && facts.error[i])
                errorRows[size_t(g)].push_back(qint64(i));
            expected[size_t(g)] += grouping.byPrediction ? facts.expectedPredicted[i] : facts.expected[i];
        }
        const float loss = (*facts.loss)[i];
        if (std::isfinite(loss)) {
            ++losses[size_t(g)];
            lossSum[size_t(g)] += loss;
        }
    }
    for (size_t g = 0; g < groups; ++g) {
        if (evaluated[g] < std::max<qint64>(1, params.minEvaluated))
            continue;
        Slice s;
        s.column = grouping.column;
        s.value = grouping.values.at(qsizetype(g));
        s.condition = grouping.conditions.at(qsizetype(g));
        s.count = count[g];
        s.evaluated = evaluated[g];
        s.errors = errors[g];
        s.errorRate = double(s.errors) / double(s.evaluated);
        const ProportionInterval interval = wilsonInterval(s.errors, s.evaluated, params.z);
        s.errorRateLow = interval.low;
        s.errorRateHigh = interval.high;
        s.lift = facts.overallRate > 0.0 ? s.errorRate / facts.overallRate : NAN;
        const qint64 restEvaluated = facts.evaluatedTotal - s.evaluated,
                     restErrors = facts.errorTotal - s.errors;
        s.restErrorRate = restEvaluated > 0 ? double(restErrors) / double(restEvaluated) : NAN;
        s.pValue = twoProportionPValue(s.errors, s.evaluated, restErrors, restEvaluated);
        s.meanLoss = losses[g] > 0 ? lossSum[g] / double(losses[g]) : NAN;
        s.expectedErrors = expected[g];
        s.excessErrorRate = s.errorRate - expected[g] / double(s.evaluated);
        s.score = excessErrorScore(s.errors, s.evaluated, facts.overallRate, params.z);
        s.adjustedScore =
            excessErrorScore(s.errors, s.evaluated, expected[g] / double(s.evaluated), params.z);
        if (params.keepErrorRows)
            s.errorRows = std::move(errorRows[g]);
        slices.push_back(std::move(s));
    }
}

QJsonValue number(double value)
{
    return std::isfinite(value) ? QJsonValue(value) : QJsonValue(QJsonValue::Null);
}

} // namespace

SliceFinder::SliceFinder(SliceFinderParams params) : m_params(params) {}

std::vector<Slice> SliceFinder::run(const SampleTable &table,
                                    const std::vector<SampleMetadataColumn> &metadata,
                                    Progress &progress) const
{
    const size_t n = size_t(table.size());
    for (const SampleMetadataColumn &column : metadata)
        if ((column.type == MetadataColumn::Type::Text ? column.codes.size() : column.numbers.size()) != n)
            throw Error(QStringLiteral("slices: metadata column \"%1\" does not have one value per sample")
                            .arg(column.name));
    const SampleFacts facts = sampleFacts(table);
    std::vector<Slice> slices;
    const qint64 steps = 3 + qint64(metadata.size());
    appendSlices(namedGrouping(QStringLiteral("split"), table.splitIndex, table.splitNames), facts, m_params,
                 slices);
    appendSlices(namedGrouping(QStringLiteral("label"), table.labels, table.classNames), facts, m_params,
                 slices);
    Grouping byPrediction = namedGrouping(QStringLiteral("predicted"), table.predicted, table.classNames);
    byPrediction.byPrediction = true;
    appendSlices(byPrediction, facts, m_params, slices);
    progress.setProgress(3, steps);
    for (size_t c = 0; c < metadata.size(); ++c) {
        progress.throwIfCancelled();
        const SampleMetadataColumn &column = metadata[c];
        appendSlices(column.type == MetadataColumn::Type::Text ? textGrouping(column, m_params.maxTextValues)
                                                               : numericGrouping(column, m_params),
                     facts, m_params, slices);
        progress.setProgress(4 + qint64(c), steps);
    }
    const bool adjusted = m_params.rankByClassAdjusted;
    std::stable_sort(slices.begin(), slices.end(), [adjusted](const Slice &a, const Slice &b) {
        const double sa = adjusted ? a.adjustedScore : a.score, sb = adjusted ? b.adjustedScore : b.score;
        if (sa != sb)
            return sa > sb;
        return a.pValue < b.pValue;
    });
    return slices;
}

QJsonObject SliceFinder::toJson(const Slice &slice)
{
    return QJsonObject{
        {QStringLiteral("column"), slice.column},
        {QStringLiteral("value"), slice.value},
        {QStringLiteral("condition"), slice.condition},
        {QStringLiteral("count"), slice.count},
        {QStringLiteral("evaluated"), slice.evaluated},
        {QStringLiteral("errors"), slice.errors},
        {QStringLiteral("error_rate"), number(slice.errorRate)},
        {QStringLiteral("error_rate_low"), number(slice.errorRateLow)},
        {QStringLiteral("error_rate_high"), number(slice.errorRateHigh)},
        {QStringLiteral("lift"), number(slice.lift)},
        {QStringLiteral("rest_error_rate"), number(slice.restErrorRate)},
        {QStringLiteral("p_value"), slice.pValue},
        {QStringLiteral("mean_loss"), number(slice.meanLoss)},
        {QStringLiteral("expected_errors"), slice.expectedErrors},
        {QStringLiteral("excess_error_rate"), number(slice.excessErrorRate)},
        {QStringLiteral("score"), slice.score},
        {QStringLiteral("adjusted_score"), slice.adjustedScore},
    };
}

} // namespace loupe
