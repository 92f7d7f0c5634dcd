#include "clisupport.h"
#include "commands.h"
#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "report/detectionreport.h"
#include "report/htmlreport.h"
#include "report/reportjson.h"
#include "report/textreport.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"

#include <QFileInfo>
#include <QJsonDocument>

namespace loupe::cli {

namespace {

/** `report --html OUT`: the shareable, self-contained page (HtmlReport). */
int writeHtml(Project &project, const QString &path)
{
    const auto progress = stderrProgress();
    HtmlReport(project).write(path, *progress);
    printOut(QStringLiteral("Wrote %1 (%2 KB)\n").arg(path).arg((QFileInfo(path).size() + 1023) / 1024));
    return Ok;
}

} // namespace

int runReport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Print the classification report and confusion matrix of a project, overall and per split."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project file."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON instead of text.")});
    parser.addOption({QStringLiteral("html"),
                      QStringLiteral("Write a self-contained HTML report (metrics, clusters with thumbnails, "
                                     "label issues, run comparison) to FILE instead."),
                      QStringLiteral("FILE")});
    int exitCode = Ok;
    if (!parseCommand(parser, QStringLiteral("report"), arguments, 1, exitCode))
        return exitCode;
    auto project = Project::open(parser.positionalArguments().at(0), Project::Access::ReadOnly);
    if (project->task() == ProjectTask::Detection) {
        if (parser.isSet(QStringLiteral("html"))) {
            printError(QStringLiteral("loupe-cli report: the HTML report covers classification projects; "
                                      "use --json or the text report for %1")
                           .arg(project->fileName()));
            return Usage;
        }
        printOut(parser.isSet(QStringLiteral("json"))
                     ? QString::fromUtf8(
                           QJsonDocument(detectionReportJson(*project)).toJson(QJsonDocument::Indented))
                     : detectionReportText(*project));
        return Ok;
    }
    if (parser.isSet(QStringLiteral("html")))
        return writeHtml(*project, parser.value(QStringLiteral("html")));
    const SampleTable table = loadSampleTable(*project);
    if (parser.isSet(QStringLiteral("json")))
        printOut(
            QString::fromUtf8(QJsonDocument(reportJson(*project, table)).toJson(QJsonDocument::Indented)));
    else
        printOut(textReport(*project, table));
    return Ok;
}

} // namespace loupe::cli
