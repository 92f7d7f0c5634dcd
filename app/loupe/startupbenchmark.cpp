#include "startupbenchmark.h"

#include "boxgridmodel.h"
#include "embeddingmapview.h"
#include "mainwindow.h"
#include "panels/boxgridpanel.h"
#include "panels/mappanel.h"
#include "projectsession.h"
#include "storage/project.h"
#include "samplegridview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QFile>
#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QScrollBar>

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

namespace loupe {

namespace {

double secondsSinceLaunch(const QElapsedTimer &launch)
{
    return double(launch.nsecsElapsed()) / 1e9;
}

/** Records when a widget is first painted after arm(). */
class FirstPaint : public QObject
{
public:
    explicit FirstPaint(QWidget *widget) : m_widget(widget) { widget->installEventFilter(this); }
    void arm() { m_armed = true; }
    bool painted() const { return m_seconds >= 0.0; }
    double seconds() const { return m_seconds; }
    void setClock(const QElapsedTimer *clock) { m_clock = clock; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (m_armed && watched == m_widget && event->type() == QEvent::Paint && m_seconds < 0.0)
            m_seconds = secondsSinceLaunch(*m_clock);
        return false;
    }

private:
    QWidget *m_widget;
    const QElapsedTimer *m_clock = nullptr;
    bool m_armed = false;
    double m_seconds = -1.0;
};

constexpr int kScrollFrames = 60;

/**
 * Scrolls the grid down by a third of a page per frame and repaints it synchronously: the
 * cost of one frame of scrolling (model data, delegates, thumbnail lookups; thumbnails not
 * yet decoded are requested and drawn as placeholders, as while flicking).
 */
double medianScrollFrameMs(QAbstractItemView *grid)
{
    QScrollBar *bar = grid->verticalScrollBar();
    std::vector<double> frames;
    for (int frame = 0; frame < kScrollFrames; ++frame) {
        QElapsedTimer timer;
        timer.start();
        bar->setValue(bar->value() + std::max(1, bar->pageStep() / 3));
        grid->viewport()->repaint();
        frames.push_back(double(timer.nsecsElapsed()) / 1e6);
        QApplication::processEvents();
    }
    std::sort(frames.begin(), frames.end());
    return frames[frames.size() / 2];
}

constexpr char kSummaryPrefix[] = "startup-benchmark: ";

/** The figures of one run, as the summary line names them (the box grid's are 0 without boxes). */
const char *const kFields[] = {"open_s",  "grid_s",        "map_s",   "scroll_ms",
                               "boxes_s", "box_scroll_ms", "peak_mib"};

/** The process's peak resident memory (VmHWM), in MiB; 0 where /proc does not tell. */
double peakMemoryMib()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0.0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return 0.0;
}

/**
 * A detection project's box grid, as a user who opens its tab as soon as the images show: the
 * seconds since launch of its first paint with boxes (-1 when not within 60 s; the boxes are
 * judged in the background from the moment the project opened), and the median scroll frame.
 */
std::pair<double, double> measureBoxGrid(MainWindow &window, const FirstPaint &painted)
{
    window.showBoxGrid();
    QElapsedTimer limit;
    limit.start();
    while (!painted.painted() && limit.elapsed() < 60000)
        QApplication::processEvents(QEventLoop::AllEvents, 10);
    if (!painted.painted())
        return {-1.0, 0.0};
    return {painted.seconds(), medianScrollFrameMs(window.boxGrid()->view())};
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

void printSummaryLine(int runs, long long samples, const QMap<QString, double> &figures)
{
    std::printf("%sruns=%d samples=%lld open_s=%.3f grid_s=%.3f map_s=%.3f scroll_ms=%.2f boxes_s=%.3f "
                "box_scroll_ms=%.2f peak_mib=%.0f\n",
                kSummaryPrefix, runs, samples, figures.value(QStringLiteral("open_s")),
                figures.value(QStringLiteral("grid_s")), figures.value(QStringLiteral("map_s")),
                figures.value(QStringLiteral("scroll_ms")), figures.value(QStringLiteral("boxes_s")),
                figures.value(QStringLiteral("box_scroll_ms")), figures.value(QStringLiteral("peak_mib")));
    std::fflush(stdout);
}

/** The key=value pairs of a child's summary line; empty when it printed none. */
QMap<QString, QString> parseSummaryLine(const QByteArray &output)
{
    QMap<QString, QString> pairs;
    for (const QByteArray &line : output.split('\n')) {
        if (!line.startsWith(kSummaryPrefix))
            continue;
        const QString text = QString::fromUtf8(line.mid(int(qstrlen(kSummaryPrefix))));
        for (const QString &pair : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            const qsizetype equals = pair.indexOf(QLatin1Char('='));
            if (equals > 0)
                pairs.insert(pair.left(equals), pair.mid(equals + 1));
        }
    }
    return pairs;
}

} // namespace

int runStartupBenchmark(MainWindow &window, const QString &project, const QElapsedTimer &launch)
{
    FirstPaint grid(window.grid()->viewport());
    FirstPaint map(window.mapPanel()->view());
    FirstPaint boxes(window.boxGrid()->view()->viewport());
    for (FirstPaint *paint : {&grid, &map, &boxes})
        paint->setClock(&launch);
    // Paints count from the moment the project is in the session (the empty window before does not);
    // the box grid's once its boxes are judged (it shows a message before).
    double opened = -1.0;
    QObject::connect(&window.session(), &ProjectSession::opened, &window, [&] {
        opened = secondsSinceLaunch(launch);
        grid.arm();
        map.arm();
    });
    BoxGridPanel *boxPanel = window.boxGrid();
    QObject::connect(boxPanel->model(), &QAbstractItemModel::modelReset, boxPanel, [&boxes, boxPanel] {
        if (boxPanel->model()->rowCount() > 0)
            boxes.arm();
    });
    bool failed = false;
    QObject::connect(&window, &MainWindow::openFailed, &window, [&failed] { failed = true; });
    window.resize(1600, 1000);
    window.show();
    window.openProject(project);
    // The event loop runs meanwhile, as for a user: the grid shows while the damage check goes on.
    while (opened < 0.0 && !failed)
        QApplication::processEvents(QEventLoop::AllEvents, 10);
    if (failed) {
        std::fprintf(stderr, "loupe --startup-benchmark: could not open %s\n", qUtf8Printable(project));
        return 1;
    }
    const bool detection = window.session().project()->task() == ProjectTask::Detection;
    // Until both are painted (or 60 s); a detection project has no map to wait for.
    QElapsedTimer limit;
    limit.start();
    while ((!grid.painted() || (!detection && !map.painted())) && limit.elapsed() < 60000)
        QApplication::processEvents(QEventLoop::AllEvents, 10);
    std::printf("samples: %lld\nproject open (table + analysis loaded): %.3f s\nfirst grid paint: %.3f s\n"
                "first map paint: %.3f s\n",
                static_cast<long long>(window.session().table().size()), opened, grid.seconds(),
                map.seconds());
    const double scrollMs = medianScrollFrameMs(window.grid());
    std::printf("grid scroll frame (median of %d): %.2f ms\n", kScrollFrames, scrollMs);
    std::pair<double, double> boxGrid{0.0, 0.0};
    if (detection) {
        boxGrid = measureBoxGrid(window, boxes);
        std::printf("first box grid paint (its tab opened once the image grid showed; boxes judged, crops "
                    "requested): %.3f s\nbox grid scroll frame (median of %d): %.2f ms\n",
                    boxGrid.first, kScrollFrames, boxGrid.second);
    }
    const double peak = peakMemoryMib();
    std::printf("peak memory: %.0f MiB\n", peak);
    if (!grid.painted() || (!detection && !map.painted()) || boxGrid.first < 0.0)
        return 1; // no summary line: a run that never painted has no figures to take a median of
    printSummaryLine(1, static_cast<long long>(window.session().table().size()),
                     {{QStringLiteral("open_s"), opened},
                      {QStringLiteral("grid_s"), grid.seconds()},
                      {QStringLiteral("map_s"), map.seconds()},
                      {QStringLiteral("scroll_ms"), scrollMs},
                      {QStringLiteral("boxes_s"), boxGrid.first},
                      {QStringLiteral("box_scroll_ms"), boxGrid.second},
                      {QStringLiteral("peak_mib"), peak}});
    return 0;
}

int runRepeatedStartupBenchmark(const QStringList &childArguments, int runs)
{
    // The children use this process's platform plugin: -platform was consumed by QApplication,
    // so it goes in the environment (an inherited QT_QPA_PLATFORM naming it keeps its options).
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QString platform = QGuiApplication::platformName();
    if (!environment.value(QStringLiteral("QT_QPA_PLATFORM")).startsWith(platform))
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), platform);

    std::map<QString, std::vector<double>> values;
    long long samples = 0;
    for (int run = 1; run <= runs; ++run) {
        QProcess child;
        child.setProcessEnvironment(environment);
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(), childArguments);
        // Generous: a run waits up to 60 s for its first paints, a large project takes a while to open.
        if (!child.waitForFinished(10 * 60 * 1000)) {
            child.kill();
            child.waitForFinished();
            std::fprintf(stderr, "loupe --startup-benchmark: run %d did not finish: %s\n", run,
                         qUtf8Printable(child.errorString()));
            return 1;
        }
        const QByteArray output = child.readAllStandardOutput();
        const QMap<QString, QString> pairs = parseSummaryLine(output);
        if (child.exitStatus() != QProcess::NormalExit || child.exitCode() != 0 || pairs.isEmpty()) {
            // The run's own lines say what it got to (e.g. a map that never painted).
            std::fprintf(stderr, "%sloupe --startup-benchmark: run %d failed (exit code %d)\n",
                         output.constData(), run, child.exitCode());
            return 1;
        }
        samples = pairs.value(QStringLiteral("samples")).toLongLong();
        for (const char *field : kFields)
            values[QLatin1String(field)].push_back(pairs.value(QLatin1String(field)).toDouble());
        std::printf("run %d: project open %.3f s, first grid paint %.3f s, first map paint %.3f s, "
                    "grid scroll frame %.2f ms, first box grid paint %.3f s, box scroll frame %.2f ms, "
                    "peak %.0f MiB\n",
                    run, values[QStringLiteral("open_s")].back(), values[QStringLiteral("grid_s")].back(),
                    values[QStringLiteral("map_s")].back(), values[QStringLiteral("scroll_ms")].back(),
                    values[QStringLiteral("boxes_s")].back(), values[QStringLiteral("box_scroll_ms")].back(),
                    values[QStringLiteral("peak_mib")].back());
        std::fflush(stdout);
    }
    QMap<QString, double> medians;
    for (const char *field : kFields)
        medians.insert(QLatin1String(field), median(values[QLatin1String(field)]));
    std::printf(
        "median of %d runs: project open %.3f s, first grid paint %.3f s, first map paint %.3f s, "
        "grid scroll frame %.2f ms, first box grid paint %.3f s, box scroll frame %.2f ms, peak %.0f MiB\n",
        runs, medians.value(QStringLiteral("open_s")), medians.value(QStringLiteral("grid_s")),
        medians.value(QStringLiteral("map_s")), medians.value(QStringLiteral("scroll_ms")),
        medians.value(QStringLiteral("boxes_s")), medians.value(QStringLiteral("box_scroll_ms")),
        medians.value(QStringLiteral("peak_mib")));
    printSummaryLine(runs, samples, medians);
    return 0;
}

} // namespace loupe
