#include "objectclusterspanel.h"

#include "boxcrop.h"
#include "common/numberformat.h"
#include "common/progress.h"
#include "projectsession.h"
#include "shippedboxes.h"
#include "rankingtable.h"
#include "storage/project.h"

#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace loupe {

namespace {

constexpr int kStripTile = 44;
constexpr int kStripTiles = 6;

using rankingtable::textItem;

/** The cluster's missed examples cut from their images, side by side. */
QImage stripOf(const ObjectCluster &cluster, const DetectionSet &set, RecentImages &images,
               const std::function<QString(qint64)> &pathOf)
{
    const int tiles = int(std::min<size_t>(cluster.examples.size(), kStripTiles));
    if (tiles == 0)
        return {};
    QImage strip(tiles * (kStripTile + 2), kStripTile, QImage::Format_RGB32);
    strip.fill(Qt::white);
    QPainter painter(&strip);
    for (int t = 0; t < tiles; ++t) {
        const Annotation &a = set.annotations[size_t(cluster.examples[size_t(t)])];
        const QImage crop =
            boxCrop(images.image(pathOf(a.image)), QRectF(a.box.x, a.box.y, a.box.width, a.box.height),
                    QColor(218, 54, 51), QSize(kStripTile, kStripTile));
        painter.drawImage(
            QPoint(t * (kStripTile + 2) + (kStripTile - crop.width()) / 2, (kStripTile - crop.height()) / 2),
            crop);
    }
    return strip;
}

} // namespace

ObjectClustersPanel::ObjectClustersPanel(ProjectSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_summary(new QLabel(this)), m_model(new QStandardItemModel(this)),
      m_table(new QTableView(this)), m_query(
                                         this, [this](Found &found) { showClusters(found); },
                                         [this](const QString &message) { m_summary->setText(message); })
{
    m_summary->setWordWrap(true);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(kStripTile + 6);
    m_table->setIconSize(QSize(kStripTiles * (kStripTile + 2), kStripTile));
    m_table->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    connect(&session, &ProjectSession::opened, this, &ObjectClustersPanel::refresh);
    connect(&session, &ProjectSession::closed, this, &ObjectClustersPanel::refresh);
    connect(&session, &ProjectSession::boxesEdited, this, &ObjectClustersPanel::refresh);
    connect(m_table, &QTableView::clicked, this,
            [this](const QModelIndex &index) { activateRow(index.row()); });
    connect(m_table, &QTableView::activated, this,
            [this](const QModelIndex &index) { activateRow(index.row()); });
    refresh();
}

void ObjectClustersPanel::refresh()
{
    m_query.invalidate();
    m_model->clear();
    m_clusters = {};
    const bool detection = m_session.isOpen() && m_session.project()->task() == ProjectTask::Detection;
    if (!detection) {
        m_summary->setText(tr("Failure clusters of objects are found in detection projects."));
        return;
    }
    m_summary->setText(tr("Grouping the objects by what they look like…"));
    const QStringList images = m_session.table().images;
    m_query.request(m_session.project()->path(), [images](ProjectReader &reader) {
        Project &project = reader.project();
        const ShippedBoxes shipped = ShippedBoxes::load(project);
        const DetectionSet &set = shipped.set;
        const BoxErrors &errors = shipped.errors;
        const auto pathOf = [&](qint64 image) {
            return project.absoluteImagePath(images.value(image));
        };
        Progress quiet;
        Found found;
        found.clusters = ObjectClusters::find(set, errors, pathOf, quiet);
        for (size_t g = 0; g < set.annotations.size(); ++g) {
            found.imageOf.push_back(set.annotations[g].image);
            found.missed.push_back(errors.annotations[g].detection < 0);
        }
        RecentImages decoded;
        for (const ObjectCluster &cluster : found.clusters.clusters)
            found.strips.push_back(stripOf(cluster, set, decoded, pathOf));
        return found;
    });
}

void ObjectClustersPanel::showClusters(Found &found)
{
    m_clusters = std::move(found.clusters);
    m_imageOf = std::move(found.imageOf);
    m_missed = std::move(found.missed);
    m_model->clear();
    m_model->setHorizontalHeaderLabels({tr("#"), tr("Missed objects"), tr("Objects"), tr("Missed"),
                                        tr("Classes predict"), tr("What they share")});
    const QStringList &classes = m_session.table().classNames;
    for (size_t k = 0; k < m_clusters.clusters.size(); ++k) {
        const ObjectCluster &c = m_clusters.clusters[k];
        auto *strip = textItem(QString());
        if (k < found.strips.size() && !found.strips[k].isNull())
            strip->setData(found.strips[k], Qt::DecorationRole);
        const QString description = ObjectClusters::describe(c, classes);
        auto *shared = textItem(description.mid(description.indexOf(QLatin1String("): ")) + 3));
        shared->setToolTip(description);
        m_model->appendRow({textItem(QString::number(k + 1)), strip, textItem(format::count(c.stats.size)),
                            textItem(format::percent(c.stats.errorRate)),
                            textItem(format::percent(c.stats.expectedErrorRate)), shared});
    }
    m_table->resizeColumnsToContents();
    m_summary->setText(
        tr("%1 of %2 objects grouped by what they look like (appearance, brightness, size, shape); %3 missed "
           "at "
           "score ≥ %4. The worst groups first: missed beyond what their classes predict. Click one to show "
           "the images of its missed objects.")
            .arg(format::count(m_clusters.clustered), format::count(m_clusters.total),
                 format::percent(m_clusters.missRate))
            .arg(kShippedScore));
}

void ObjectClustersPanel::activateRow(int row)
{
    if (row < 0 || size_t(row) >= m_clusters.clusters.size())
        return;
    std::vector<qint64> images;
    for (const qint64 g : m_clusters.clusters[size_t(row)].members)
        if (m_missed[size_t(g)])
            images.push_back(m_imageOf[size_t(g)]);
    SampleFilter filter;
    filter.kind = SampleFilter::Kind::Objects;
    filter.value = row;
    filter.description = tr("missed objects of object cluster %1").arg(row + 1);
    m_session.setFilter(filter, std::move(images));
}

} // namespace loupe
