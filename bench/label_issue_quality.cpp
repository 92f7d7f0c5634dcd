// loupe-label-issue-quality: how well each label-issue signal finds the planted label flips of
// a demo folder (`loupe-cli demo DIR`), measured against its truth.csv.
//
//   loupe-label-issue-quality DIR/dataset [--neighbours K] [--weight W] [--smoothing S] [--exact]
//   loupe-label-issue-quality DIR/dataset --grid [--grid-neighbours 5,10,...] [--grid-weights 0,0.1,...]
//                                                [--grid-smoothing 1] [--exact]
//
// Prints a Markdown table: AUROC, average precision, precision and recall at K (K = number of
// flips) for each ranking, and precision / recall / F1 for each flagged set. --grid instead
// prints those figures of issue_score and is_issue for every (neighbours, weight, smoothing),
// then average precision as a neighbours x weight matrix and the best cell: the parameter
// search as one command. Run it on a demo built with other seeds than the one you report on
// (`loupe-cli demo DIR --seed S --model-seed M`), so the reported figures are not the ones
// the parameters were chosen on.

#include "analysis/labels/confidentlearning.h"
#include "analysis/labels/labelissueevaluation.h"
#include "analysis/labels/labelissuefinder.h"
#include "analysis/neighbours/nearestneighbors.h"
#include "analysis/pipeline/analysispipeline.h"
#include "common/error.h"
#include "common/progress.h"
#include "formats/csvreader.h"
#include "formats/npyfile.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>

#include <algorithm>
#include <cstdio>
#include <numeric>

using namespace loupe;

namespace {

struct DemoFolder
{
    qint64 rows = 0;
    int classes = 0;
    int dimensions = 0;
    std::vector<float> probabilities;
    std::vector<float> embeddings;
    std::vector<int> labels;
    std::vector<int> trueLabels;
    std::vector<uint8_t> flipped;
};

QStringList readClasses(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read").arg(path));
    QStringList classes;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (!line.trimmed().isEmpty())
            classes << QString::fromUtf8(line.trimmed());
    }
    return classes;
}

DemoFolder readDemoFolder(const QString &folder)
{
    DemoFolder demo;
    const QStringList classes = readClasses(folder + QStringLiteral("/classes.txt"));
    demo.classes = int(classes.size());
    const NpyFile predictions(folder + QStringLiteral("/predictions.npy"));
    const NpyFile embeddings(folder + QStringLiteral("/embeddings.npy"));
    demo.rows = predictions.rows();
    demo.dimensions = int(embeddings.cols());
    demo.probabilities = predictions.readAll();
    demo.embeddings = embeddings.readAll();

    // samples.csv: id, image, label, ...; truth.csv: id, true_label, given_label, flipped.
    QHash<QString, qint64> rowOfId;
    std::vector<QString> fields;
    CsvReader samples(folder + QStringLiteral("/samples.csv"));
    samples.readRecord(fields);
    while (samples.readRecord(fields)) {
        rowOfId.insert(fields[0], qint64(demo.labels.size()));
        demo.labels.push_back(int(classes.indexOf(fields[2])));
    }
    demo.flipped.assign(demo.labels.size(), 0);
    demo.trueLabels = demo.labels;
    CsvReader truth(folder + QStringLiteral("/truth.csv"));
    truth.readRecord(fields);
    while (truth.readRecord(fields)) {
        const auto row = size_t(rowOfId.value(fields[0]));
        demo.flipped[row] = fields[3] == QStringLiteral("1");
        demo.trueLabels[row] = int(classes.indexOf(fields[1]));
    }
    if (qint64(demo.labels.size()) != demo.rows || embeddings.rows() != demo.rows)
        throw Error(
            QStringLiteral("%1: samples.csv, predictions.npy and embeddings.npy disagree on the row count")
                .arg(folder));
    return demo;
}

std::vector<float> modelScores(const DemoFolder &demo, bool margin)
{
    std::vector<float> scores(size_t(demo.rows));
    for (qint64 i = 0; i < demo.rows; ++i) {
        const float *p = demo.probabilities.data() + i * demo.classes;
        const int label = demo.labels[size_t(i)];
        scores[size_t(i)] = float(1.0 - (margin ? ConfidentLearning::normalizedMargin(p, demo.classes, label)
                                                : ConfidentLearning::selfConfidence(p, demo.classes, label)));
    }
    return scores;
}

void printRanking(const char *name, const RankingQuality &q)
{
    std::printf("| %s | %.4f | %.4f | %.4f | %.4f |\n", name, q.auroc, q.averagePrecision, q.precisionAtK,
                q.recallAtK);
}

void printFlagged(const char *name, const FlaggedSetQuality &q)
{
    std::printf("| %s | %lld | %.4f | %.4f | %.4f |\n", name, q.flagged, q.precision, q.recall, q.f1);
}

LabelIssues findIssues(const DemoFolder &demo, const KnnGraph *graph, LabelIssueParams params,
                       PruneMethod prune)
{
    Progress progress;
    params.confidentLearning.prune = prune;
    return LabelIssueFinder(params).run(demo.probabilities.data(), demo.rows, demo.classes, demo.labels,
                                        graph, progress);
}

std::vector<double> parseList(const QString &text)
{
    std::vector<double> values;
    for (const QString &item : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        values.push_back(item.trimmed().toDouble(&ok));
        if (!ok)
            throw Error(QStringLiteral("not a number list: %1").arg(text));
    }
    if (values.empty())
        throw Error(QStringLiteral("empty list"));
    return values;
}

/**
 * Every (neighbours, weight, smoothing) of the grid on one graph of the largest k: a
 * smaller k votes with the first k neighbours of that graph, as the pipeline's label-issue
 * step does with the stored graph (LabelNeighbourhood takes min(neighbours, graph.k)).
 */
void runGrid(const DemoFolder &demo, const std::vector<double> &neighbourList,
             const std::vector<double> &weightList, const std::vector<double> &smoothingList,
             const KnnParams &knn)
{
    const auto &truth = demo.flipped;
    const int maxK = int(*std::max_element(neighbourList.begin(), neighbourList.end()));
    Progress progress;
    QElapsedTimer timer;
    timer.start();
    const KnnGraph graph =
        allNearestNeighbors(demo.embeddings.data(), demo.rows, demo.dimensions, maxK, knn, progress);
    std::printf("%lld samples, %d classes, %lld flipped labels; kNN graph (k = %d) %lld ms\n\n", demo.rows,
                demo.classes, std::accumulate(truth.begin(), truth.end(), qint64(0)), maxK, timer.elapsed());

    std::printf(
        "| neighbours | weight | smoothing | AUROC | AP | P@K | R@K | flagged | precision | recall | F1 "
        "|\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    struct Cell
    {
        int neighbours;
        double weight;
        double smoothing;
        double ap;
    };
    std::vector<Cell> cells;
    for (double smoothing : smoothingList) {
        for (double k : neighbourList) {
            for (double weight : weightList) {
                LabelIssueParams params;
                params.neighbours = int(k);
                params.neighbourWeight = weight;
                params.neighbourSmoothing = smoothing;
                const LabelIssues issues = findIssues(demo, &graph, params, PruneMethod::ByNoiseRate);
                const RankingQuality r = LabelIssueEvaluation::evaluateRanking(issues.issueScore, truth);
                const FlaggedSetQuality f = LabelIssueEvaluation::evaluateFlagged(issues.isIssue, truth);
                std::printf("| %d | %.2f | %.2f | %.4f | %.4f | %.4f | %.4f | %lld | %.4f | %.4f | %.4f |\n",
                            int(k), weight, smoothing, r.auroc, r.averagePrecision, r.precisionAtK,
                            r.recallAtK, f.flagged, f.precision, f.recall, f.f1);
                std::fflush(stdout);
                cells.push_back({int(k), weight, smoothing, r.averagePrecision});
            }
        }
    }

    for (double smoothing : smoothingList) {
        std::printf("\nAverage precision, smoothing %.2f (rows: neighbours, columns: weight)\n\n| k |",
                    smoothing);
        for (double weight : weightList)
            std::printf(" %.2f |", weight);
        std::printf("\n|---|");
        for (size_t i = 0; i < weightList.size(); ++i)
            std::printf("---|");
        std::printf("\n");
        for (double k : neighbourList) {
            std::printf("| %d |", int(k));
            for (const Cell &cell : cells) {
                if (cell.neighbours == int(k) && cell.smoothing == smoothing)
                    std::printf(" %.4f |", cell.ap);
            }
            std::printf("\n");
        }
    }
    // Ties go to the earlier cell (fewer neighbours, lower weight): the simpler choice.
    const Cell best = *std::max_element(cells.begin(), cells.end(),
                                        [](const Cell &a, const Cell &b) { return a.ap < b.ap; });
    std::printf("\nHighest average precision: %.4f at neighbours %d, weight %.2f, smoothing %.2f\n", best.ap,
                best.neighbours, best.weight, best.smoothing);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Label-issue ranking quality on a demo folder with truth.csv"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("neighbours"), QStringLiteral("Voting neighbours (default 15)."),
                      QStringLiteral("K")});
    parser.addOption(
        {QStringLiteral("weight"),
         QStringLiteral("Neighbour weight (default %1).").arg(LabelIssueParams().neighbourWeight),
         QStringLiteral("W")});
    parser.addOption(
        {QStringLiteral("smoothing"),
         QStringLiteral("Neighbour smoothing (default %1).").arg(LabelIssueParams().neighbourSmoothing),
         QStringLiteral("S")});
    parser.addOption(
        {QStringLiteral("exact"), QStringLiteral("Exact kNN graph instead of the automatic choice.")});
    parser.addOption({QStringLiteral("grid"),
                      QStringLiteral("Measure issue_score and is_issue over a grid of parameters.")});
    parser.addOption({QStringLiteral("grid-neighbours"), QStringLiteral("Grid: neighbour counts."),
                      QStringLiteral("LIST"), QStringLiteral("5,10,15,20,30")});
    parser.addOption({QStringLiteral("grid-weights"), QStringLiteral("Grid: neighbour weights."),
                      QStringLiteral("LIST"), QStringLiteral("0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8")});
    parser.addOption({QStringLiteral("grid-smoothing"), QStringLiteral("Grid: smoothing pseudo-counts."),
                      QStringLiteral("LIST"), QStringLiteral("1")});
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("The demo's dataset folder."));
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(1);

    try {
        const DemoFolder demo = readDemoFolder(parser.positionalArguments().first());
        KnnParams knn;
        if (parser.isSet(QStringLiteral("exact")))
            knn.method = KnnParams::Method::Exact;
        if (parser.isSet(QStringLiteral("grid"))) {
            runGrid(demo, parseList(parser.value(QStringLiteral("grid-neighbours"))),
                    parseList(parser.value(QStringLiteral("grid-weights"))),
                    parseList(parser.value(QStringLiteral("grid-smoothing"))), knn);
            return 0;
        }
        LabelIssueParams params;
        if (parser.isSet(QStringLiteral("neighbours")))
            params.neighbours = parser.value(QStringLiteral("neighbours")).toInt();
        if (parser.isSet(QStringLiteral("weight")))
            params.neighbourWeight = parser.value(QStringLiteral("weight")).toDouble();
        if (parser.isSet(QStringLiteral("smoothing")))
            params.neighbourSmoothing = parser.value(QStringLiteral("smoothing")).toDouble();

        // The graph the pipeline stores has AnalysisOptions::neighbors neighbours and the
        // label-issue step votes with the first params.neighbours of them: measure that.
        const int graphK = std::max(params.neighbours, AnalysisOptions().neighbors);
        Progress progress;
        QElapsedTimer timer;
        timer.start();
        const KnnGraph graph =
            allNearestNeighbors(demo.embeddings.data(), demo.rows, demo.dimensions, graphK, knn, progress);
        const qint64 graphMs = timer.restart();
        const LabelIssues model = findIssues(demo, nullptr, params, PruneMethod::ByNoiseRate);
        const LabelIssues both = findIssues(demo, &graph, params, PruneMethod::ByNoiseRate);
        const qint64 issuesMs = timer.elapsed();

        const auto &truth = demo.flipped;
        std::printf("%lld samples, %d classes, %lld flipped labels; kNN graph (k = %d) %lld ms, label issues "
                    "%lld ms; %d voting neighbours, weight %.2f, smoothing %.2f\n\n",
                    demo.rows, demo.classes, std::accumulate(truth.begin(), truth.end(), qint64(0)), graphK,
                    graphMs, issuesMs, params.neighbours, params.neighbourWeight, params.neighbourSmoothing);
        std::printf("| ranking | AUROC | AP | P@K | R@K |\n|---|---|---|---|---|\n");
        printRanking("self-confidence (= loss)",
                     LabelIssueEvaluation::evaluateRanking(modelScores(demo, false), truth));
        printRanking("normalized margin (model alone)",
                     LabelIssueEvaluation::evaluateRanking(model.issueScore, truth));
        std::vector<float> disagreement(size_t(demo.rows));
        for (size_t i = 0; i < disagreement.size(); ++i)
            disagreement[i] = 1.0f - both.neighbourAgreement[i];
        printRanking("neighbours alone (1 - label share)",
                     LabelIssueEvaluation::evaluateRanking(disagreement, truth));
        printRanking("issue_score: model + neighbours",
                     LabelIssueEvaluation::evaluateRanking(both.issueScore, truth));

        std::printf("\n| flagged set | flagged | precision | recall | F1 |\n|---|---|---|---|---|\n");
        std::vector<uint8_t> disagrees(size_t(demo.rows));
        for (qint64 i = 0; i < demo.rows; ++i) {
            const float *p = demo.probabilities.data() + i * demo.classes;
            disagrees[size_t(i)] = int(std::max_element(p, p + demo.classes) - p) != demo.labels[size_t(i)];
        }
        printFlagged("argmax != given label", LabelIssueEvaluation::evaluateFlagged(disagrees, truth));
        printFlagged("CL prune_by_noise_rate, model alone",
                     LabelIssueEvaluation::evaluateFlagged(model.isIssue, truth));
        printFlagged("is_issue: CL prune_by_noise_rate, model + neighbours",
                     LabelIssueEvaluation::evaluateFlagged(both.isIssue, truth));
        printFlagged("CL prune_by_class, model + neighbours",
                     LabelIssueEvaluation::evaluateFlagged(
                         findIssues(demo, &graph, params, PruneMethod::ByClass).isIssue, truth));
        printFlagged("CL both, model + neighbours",
                     LabelIssueEvaluation::evaluateFlagged(
                         findIssues(demo, &graph, params, PruneMethod::Both).isIssue, truth));

        qint64 flaggedFlips = 0, rightSuggestions = 0;
        for (size_t i = 0; i < truth.size(); ++i) {
            if (truth[i] && both.isIssue[i]) {
                ++flaggedFlips;
                rightSuggestions += both.suggestedLabel[i] == demo.trueLabels[i];
            }
        }
        std::printf("\nsuggested_label is the true class for %lld of the %lld flagged flips (%.4f)\n",
                    rightSuggestions, flaggedFlips,
                    flaggedFlips ? double(rightSuggestions) / double(flaggedFlips) : 0.0);
    } catch (const Error &error) {
        std::fprintf(stderr, "%s\n", qPrintable(error.message()));
        return 1;
    }
    return 0;
}
