#include "screenshots.h"

#include "analysis/steps/mapstep.h"
#include "embeddingmapview.h"
#include "mainwindow.h"
#include "panels/boxgridpanel.h"
#include "panels/comparepanel.h"
#include "panels/clusterspanel.h"
#include "panels/mappanel.h"
#include "panels/objectclusterspanel.h"
#include "panels/objectmappanel.h"
#include "panels/similarpanel.h"
#include "projectsession.h"
#include "storage/detectionstore.h"
#include "storage/project.h"
#include "samplegridmodel.h"
#include "samplegridview.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QPixmap>

#include <cstdio>

namespace loupe {

namespace {

/** Runs the event loop for ms milliseconds (thumbnails decode on worker threads meanwhile). */
void settle(int ms)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ms)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
}

bool save(QWidget *widget, const QString &path)
{
    const bool saved = widget->grab().save(path);
    std::printf("%s %s\n", saved ? "wrote" : "could not write", qUtf8Printable(path));
    return saved;
}

QDockWidget *dockNamed(MainWindow &window, const QString &objectName)
{
    return window.findChild<QDockWidget *>(objectName);
}

/**
 * The map zoomed in on the likeliest label error (the grid's first sample) until it shows images,
 * then one step further so that the tiles have room; nothing selected, so nothing is dimmed.
 */
bool saveMapImages(MainWindow &window, const QDir &out)
{
    QDockWidget *dock = dockNamed(window, QStringLiteral("mapDock"));
    const std::vector<float> &map = window.session().analysis().get<MapResults>().coordinates;
    if (!dock || map.empty() || window.gridModel()->rowCount() == 0)
        return true;
    dock->raise();
    window.session().setSelection({});
    EmbeddingMapView *view = window.mapPanel()->view();
    const qint64 sample = window.gridModel()->sampleAt(0);
    const QPointF at(map[size_t(2 * sample)], map[size_t(2 * sample + 1)]);
    view->fitToContents();
    for (int step = 0; step < 60 && !view->isImageMode(); ++step) {
        view->zoomBy(1.25, view->mapFromData(at));
        view->grab(); // lays the frame out, which decides the mode
    }
    view->zoomBy(1.25, view->mapFromData(at));
    settle(2500); // the thumbnails decode on the map's pool and stream in
    const bool saved = save(dock, out.filePath(QStringLiteral("map-images.png")));
    view->fitToContents();
    return saved;
}

/** The dock floated at size, given settleMs for its background work, saved to file. */
bool saveFloatingDock(MainWindow &window, const QString &dockName, QSize size, int settleMs,
                      const QString &file)
{
    QDockWidget *dock = dockNamed(window, dockName);
    if (!dock)
        return true;
    dock->setFloating(true);
    dock->resize(size);
    dock->show();
    dock->raise();
    settle(settleMs);
    const bool saved = save(dock, file);
    dock->setFloating(false);
    return saved;
}

/** Picks the item with data in the combo box (a panel's view of the same data). */
void choose(QComboBox *box, int data)
{
    box->setCurrentIndex(box->findData(data));
}

/**
 * What the model's embeddings add, when the run has them: the maps of its predicted boxes and of
 * the images, and the failure clusters of its false boxes; each view put back after.
 */
bool saveEmbeddingViews(MainWindow &window, const QDir &out)
{
    auto *map = window.findChild<ObjectMapPanel *>();
    auto *clusters = window.findChild<ObjectClustersPanel *>();
    if (!map || !clusters)
        return true;
    bool ok = true;
    const QSize mapSize(560, 520);
    choose(map->pointsBox(), int(ObjectMapPanel::Points::PredictedBoxes));
    ok &= saveFloatingDock(window, QStringLiteral("objectMapDock"), mapSize, 5000,
                           out.filePath(QStringLiteral("detection-box-map.png")));
    choose(map->pointsBox(), int(ObjectMapPanel::Points::Images));
    ok &= saveFloatingDock(window, QStringLiteral("objectMapDock"), mapSize, 4000,
                           out.filePath(QStringLiteral("detection-image-map.png")));
    choose(map->pointsBox(), int(ObjectMapPanel::Points::Objects));
    choose(clusters->sideBox(), int(ObjectClustersPanel::Side::FalseBoxes));
    ok &= saveFloatingDock(window, QStringLiteral("objectClustersDock"), QSize(900, 520), 4000,
                           out.filePath(QStringLiteral("detection-false-box-clusters.png")));
    choose(clusters->sideBox(), int(ObjectClustersPanel::Side::MissedObjects));
    return ok;
}

} // namespace

/**
 * A detection project: the window, and one image with its boxes in the details panel, floated
 * large enough to read (the first image with four objects, so the colors have something to say).
 */
int takeDetectionScreenshots(MainWindow &window, const QDir &out)
{
    bool ok = save(&window, out.filePath(QStringLiteral("detection-window.png")));
    for (const auto &[dockName, file] : {std::pair{"reportDock", "detection-report.png"},
                                         {"confusionDock", "detection-confusion.png"},
                                         {"annotationErrorsDock", "detection-errors.png"},
                                         {"objectClustersDock", "detection-object-clusters.png"},
                                         {"objectMapDock", "detection-object-map.png"}}) {
        const QString name = QString::fromLatin1(dockName);
        // The object clusters' strips of missed objects want the width; the objects are described
        // and mapped in the background, the figures and suggestions found there.
        const bool clusters = name == QLatin1String("objectClustersDock");
        const bool map = name == QLatin1String("objectMapDock");
        ok &= saveFloatingDock(window, name, QSize(clusters ? 900 : 560, 520), map ? 5500 : 1500,
                               out.filePath(QString::fromLatin1(file)));
    }
    ok &= saveEmbeddingViews(window, out);
    // The box grid: every box's crop, the likeliest errors first, in the window as a user sees it.
    window.showBoxGrid();
    window.boxGrid()->waitForBoxes();
    settle(2500); // the crops decode in the background
    ok &= save(&window, out.filePath(QStringLiteral("detection-boxes.png")));
    const SampleTable &table = window.session().table();
    auto project = Project::open(window.session().project()->path(), Project::Access::ReadOnly);
    const DetectionStore boxes(project->database());
    qint64 chosen = 0;
    for (qint64 s = 0; s < table.size() && s < 200; ++s) {
        if (boxes.annotationsOf(s).size() >= 4) {
            chosen = s;
            break;
        }
    }
    window.session().setSelection({chosen});
    if (QDockWidget *dock = dockNamed(window, QStringLiteral("detailsDock"))) {
        dock->setFloating(true);
        dock->resize(620, 760);
        dock->show();
        dock->raise();
        settle(1500);
        ok &= save(dock, out.filePath(QStringLiteral("detection-image.png")));
        dock->setFloating(false);
    }
    return ok ? 0 : 1;
}

int takeScreenshots(MainWindow &window, const QString &project, const QString &folder)
{
    if (!QDir().mkpath(folder)) {
        std::fprintf(stderr, "loupe --screenshots: cannot create %s\n", qUtf8Printable(folder));
        return 1;
    }
    const QDir out(folder);
    window.resize(1680, 1050);
    window.show();
    window.openProject(project);
    if (!window.waitForOpen()) {
        std::fprintf(stderr, "loupe --screenshots: could not open %s\n", qUtf8Printable(project));
        return 1;
    }
    settle(2500);
    if (window.session().project()->task() == ProjectTask::Detection)
        return takeDetectionScreenshots(window, out);
    bool ok = save(&window, out.filePath(QStringLiteral("main-window.png")));

    const struct
    {
        const char *dock;
        const char *file;
    } panels[] = {
        {"reportDock", "report.png"}, {"confusionDock", "confusion-matrix.png"},
        {"mapDock", "map.png"},       {"clustersDock", "clusters.png"},
        {"slicesDock", "slices.png"}, {"learningCurveDock", "learning-curve.png"},
    };
    for (const auto &panel : panels) {
        QDockWidget *dock = dockNamed(window, QString::fromLatin1(panel.dock));
        if (!dock)
            continue;
        dock->show();
        dock->raise();
        settle(300);
        ok &= save(dock, out.filePath(QString::fromLatin1(panel.file)));
    }

    // The failure patterns and clusters wide enough to read: image strips and what sets each apart.
    if (QDockWidget *dock = dockNamed(window, QStringLiteral("clustersDock"))) {
        dock->setFloating(true);
        dock->resize(1640, 720);
        dock->show();
        dock->raise();
        settle(2500); // the strips' thumbnails decode in the background
        ok &= save(dock, out.filePath(QStringLiteral("cluster-strips.png")));
        dock->setFloating(false);
    }

    // The most severe failure cluster, highlighted on the map with everything else grayed and dimmed.
    window.clustersPanel()->activateRow(0);
    if (QDockWidget *dock = dockNamed(window, QStringLiteral("mapDock"))) {
        settle(300);
        ok &= save(dock, out.filePath(QStringLiteral("map-cluster.png")));
    }
    window.session().clearFilter();
    ok &= saveMapImages(window, out);

    // "Find similar" for the most likely label error, as a user would start.
    window.grid()->setCurrentIndex(window.gridModel()->index(0));
    window.similarPanel()->findSimilar();
    window.similarPanel()->waitForSearch();
    if (QDockWidget *dock = dockNamed(window, QStringLiteral("similarDock"))) {
        dock->raise();
        settle(300);
        ok &= save(dock, out.filePath(QStringLiteral("similar.png")));
    }
    // The details of that sample: image, probabilities, neighbours.
    if (QDockWidget *dock = dockNamed(window, QStringLiteral("detailsDock"))) {
        dock->raise();
        settle(1500);
        ok &= save(dock, out.filePath(QStringLiteral("details.png")));
    }
    // Two runs compared, when the project has them.
    if (QDockWidget *dock = dockNamed(window, QStringLiteral("compareDock"));
        dock && window.comparePanel()->beforeBox()->count() >= 2) {
        dock->show();
        dock->raise();
        window.comparePanel()->compare();
        window.comparePanel()->waitForComparison();
        settle(300);
        ok &= save(dock, out.filePath(QStringLiteral("compare.png")));
    }
    ok &= save(window.grid(), out.filePath(QStringLiteral("grid.png")));
    return ok ? 0 : 1;
}

} // namespace loupe
