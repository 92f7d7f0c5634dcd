// loupe: the desktop app. Thin on purpose: everything lives in loupe_ui and loupe_core.

#include "common/allocatortuning.h"
#include "common/numericenvironment.h"
#include "appearance.h"
#include "dataset/sampletable.h"
#include "mainwindow.h"
#include "projectsession.h"
#include "screenshots.h"
#include "startupbenchmark.h"

#include <QApplication>
#include <QIcon>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTimer>

#include <cstdio>

namespace {

// Opens the project offscreen-capable, checks it loaded, and quits: a smoke test of the
// whole stack for CI and packaging (after Kate's --self-test idea).
int runSelfTest(loupe::MainWindow &window, const QString &path)
{
    if (QApplication::windowIcon().availableSizes().size() < 6) {
        std::fprintf(stderr, "loupe --self-test: the embedded window icon is missing\n");
        return 1;
    }
    window.openProject(path);
    if (!window.waitForOpen()) {
        std::fprintf(stderr, "loupe --self-test: could not open %s\n", qUtf8Printable(path));
        return 1;
    }
    std::printf("loupe --self-test: opened %s with %lld samples\n", qUtf8Printable(path),
                static_cast<long long>(window.session().table().size()));
    return 0;
}

/** This process's arguments (without the program) minus --runs and its value: a child's command line. */
QStringList argumentsWithoutRuns()
{
    const QStringList all = QCoreApplication::arguments().mid(1);
    QStringList kept;
    for (qsizetype i = 0; i < all.size(); ++i) {
        if (all[i] == QLatin1String("--runs"))
            ++i; // and its value
        else if (!all[i].startsWith(QLatin1String("--runs=")))
            kept << all[i];
    }
    return kept;
}

} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer sinceLaunch; // for --startup-benchmark: launch to first paint
    sinceLaunch.start();
    loupe::keepFreedBuffersForReuse(); // before any thread starts
    QApplication app(argc, argv);
    loupe::pinNumericalEnvironment();
    QApplication::setApplicationName(QStringLiteral("Loupe"));
    QApplication::setOrganizationName(QStringLiteral("Loupe"));
    QApplication::setOrganizationDomain(QStringLiteral("loupe.example"));
    QApplication::setApplicationVersion(QStringLiteral(LOUPE_VERSION_STRING));
    QApplication::setDesktopFileName(QStringLiteral("io.github.loupe.Loupe")); // packaging/linux/
    QIcon icon;
    for (const int size : {16, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/%1x%1/apps/io.github.loupe.Loupe.png").arg(size));
    QApplication::setWindowIcon(icon);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Find what is wrong with a vision model's data."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("A .loupe project to open."));
    parser.addOption(
        {QStringLiteral("self-test"), QStringLiteral("Open PROJECT, check it loads, and quit.")});
    parser.addOption(
        {QStringLiteral("screenshots"),
         QStringLiteral("Open PROJECT, save a PNG of the window and of each panel into DIR, and quit."),
         QStringLiteral("DIR")});
    parser.addOption(
        {QStringLiteral("startup-benchmark"),
         QStringLiteral(
             "Open PROJECT in a 1600 x 1000 window and quit, printing the seconds from launch (the "
             "start of main(); creating the process and loading libraries before it are not "
             "counted) to the project being open, to the first painted grid and to the first "
             "painted map, and the median of 60 grid scroll frames in ms (for a detection project "
             "also the box grid's first paint and scroll frames), and the peak memory; the last line, "
             "\"startup-benchmark: runs=N samples=S open_s= grid_s= map_s= scroll_ms= boxes_s= "
             "box_scroll_ms= peak_mib=\", is for scripts.")});
    parser.addOption(
        {QStringLiteral("runs"),
         QStringLiteral(
             "With --startup-benchmark: measure N launches, each a new process started by this one "
             "(same arguments and platform plugin), and print every run and the medians "
             "(default 1: this process only)."),
         QStringLiteral("N"), QStringLiteral("1")});
    parser.addOption(
        {QStringLiteral("appearance"),
         QStringLiteral("Colour scheme for this run: system, light or dark (default: as chosen in "
                        "View > Appearance)."),
         QStringLiteral("SCHEME")});
    parser.process(app);
    if (parser.isSet(QStringLiteral("runs"))) {
        bool ok = false;
        const int runs = parser.value(QStringLiteral("runs")).toInt(&ok);
        if (!ok || runs < 1 || !parser.isSet(QStringLiteral("startup-benchmark"))) {
            std::fprintf(stderr, "loupe: --runs takes a positive number and goes with --startup-benchmark\n");
            return 2;
        }
        if (runs > 1) {
            if (parser.positionalArguments().isEmpty()) {
                std::fprintf(stderr, "loupe --startup-benchmark needs a PROJECT\n");
                return 2;
            }
            // Before any window exists: this process only starts the runs and takes the medians.
            return loupe::runRepeatedStartupBenchmark(argumentsWithoutRuns(), runs);
        }
    }
    const QString scheme = parser.value(QStringLiteral("appearance"));
    if (scheme == QLatin1String("dark"))
        loupe::applyAppearance(loupe::Appearance::Dark);
    else if (scheme == QLatin1String("light"))
        loupe::applyAppearance(loupe::Appearance::Light);
    else if (scheme.isEmpty() && !parser.isSet(QStringLiteral("screenshots")))
        loupe::applyAppearance(loupe::savedAppearance()); // screenshots keep the platform's look

    loupe::MainWindow window;
    const QStringList positional = parser.positionalArguments();
    if (parser.isSet(QStringLiteral("self-test"))) {
        if (positional.isEmpty()) {
            std::fprintf(stderr, "loupe --self-test needs a PROJECT\n");
            return 2;
        }
        return runSelfTest(window, positional.first());
    }
    if (parser.isSet(QStringLiteral("startup-benchmark"))) {
        if (positional.isEmpty()) {
            std::fprintf(stderr, "loupe --startup-benchmark needs a PROJECT\n");
            return 2;
        }
        return loupe::runStartupBenchmark(window, positional.first(), sinceLaunch);
    }
    if (parser.isSet(QStringLiteral("screenshots"))) {
        if (positional.isEmpty()) {
            std::fprintf(stderr, "loupe --screenshots needs a PROJECT\n");
            return 2;
        }
        return loupe::takeScreenshots(window, positional.first(),
                                      parser.value(QStringLiteral("screenshots")));
    }
    window.show();
    if (!positional.isEmpty())
        window.openProject(positional.first());
    return QApplication::exec();
}
