#include "startupbenchmark.h"

#include "embeddingmapview.h"
#include "mainwindow.h"
#include "panels/mappanel.h"
#include "projectsession.h"
#include "samplegridview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QScrollBar>

#include <algorithm>
#include <cstdio>
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
double medianScrollFrameMs(MainWindow &window)
{
    QAbstractItemView *grid = window.grid();
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

} // namespace

int runStartupBenchmark(MainWindow &window, const QString &project, const QElapsedTimer &launch)
{
    FirstPaint grid(window.grid()->viewport());
    FirstPaint map(window.mapPanel()->view());
    grid.setClock(&launch);
    map.setClock(&launch);
    // Paints count from the moment the project is in the session (the empty window before does not).
    QObject::connect(&window.session(), &ProjectSession::opened, &window, [&grid, &map] {
        grid.arm();
        map.arm();
    });
    window.resize(1600, 1000);
    window.show();
    window.openProject(project);
    if (!window.waitForOpen()) {
        std::fprintf(stderr, "loupe --startup-benchmark: could not open %s\n", qUtf8Printable(project));
        return 1;
    }
    const double opened = secondsSinceLaunch(launch);
    // Until both are painted (or 60 s).
    QElapsedTimer limit;
    limit.start();
    while ((!grid.painted() || !map.painted()) && limit.elapsed() < 60000)
        QApplication::processEvents(QEventLoop::AllEvents, 10);
    std::printf("samples: %lld\nproject open (table + analysis loaded): %.3f s\nfirst grid paint: %.3f s\n"
                "first map paint: %.3f s\n",
                static_cast<long long>(window.session().table().size()), opened, grid.seconds(),
                map.seconds());
    std::printf("grid scroll frame (median of %d): %.2f ms\n", kScrollFrames, medianScrollFrameMs(window));
    return grid.painted() && map.painted() ? 0 : 1;
}

} // namespace loupe
