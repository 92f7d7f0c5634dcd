#include "objectclusterspanel.h"

#include "boxcolors.h"
#include "boxcrop.h"
#include "common/numberformat.h"
#include "common/progress.h"
#include "projectsession.h"
#include "shippedboxes.h"
#include "rankingtable.h"
#include "storage/detectionstore.h"
#include "storage/project.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>
#include <tuple>

namespace loupe {

namespace {

constexpr int kStripTile = 44;
constexpr int kStripTiles = 6;

using rankingtable::textItem;

/** Where a member of the clusters sits: its image, the box around it, and the box's color. */
struct MemberBox
{
    qint64 image = 0;
    QRectF box; ///< empty: the whole image
    QColor color;
};

MemberBox memberBox(ClusteredItems items, qint64 member, const DetectionSet &set, const BoxErrors &errors)
{
    const auto index = size_t(member);
    switch (items) {
    case ClusteredItems::PredictedBoxes: {
        const Detection &d = set.detections[index];
        return {d.image, QRectF(d.box.x, d.box.y, d.box.width, d.box.height),
                BoxColors::ofError(errors.detections[index].error)};
    }
    case ClusteredItems::Images:
        return {member, QRectF(), BoxColors::kMissed};
    case ClusteredItems::Objects:
        break;
    }
    const Annotation &a = set.annotations[index];
    return {a.image, QRectF(a.box.x, a.box.y, a.box.width, a.box.height), BoxColors::kMissed};
}

/** The cluster's failed examples (missed objects, wrong boxes, images with a miss), side by side. */
QImage stripOf(const ObjectClusters &clusters, const ObjectCluster &cluster, const DetectionSet &set,
               const BoxErrors &errors, RecentImages &images, const std::function<QString(qint64)> &pathOf)
{
    const int tiles = int(std::min<size_t>(cluster.examples.size(), kStripTiles));
    if (tiles == 0)
        return {};
    QImage strip(tiles * (kStripTile + 2), kStripTile, QImage::Format_RGB32);
    strip.fill(Qt::white);
    QPainter painter(&strip);
    for (int t = 0; t < tiles; ++t) {
        const MemberBox member = memberBox(clusters.items, cluster.examples[size_t(t)], set, errors);
        const QImage image = images.image(pathOf(member.image));
        const QRectF box = member.box.isEmpty() ? QRectF(image.rect()) : member.box;
        const QImage crop = boxCrop(image, box, member.color, QSize(kStripTile, kStripTile));
        painter.drawImage(
            QPoint(t * (kStripTile + 2) + (kStripTile - crop.width()) / 2, (kStripTile - crop.height()) / 2),
            crop);
    }
    return strip;
}

/** What a failed member is called, in the table's header and the filter's description. */
QString failuresName(ClusteredItems items)
{
    switch (items) {
    case ClusteredItems::PredictedBoxes:
        return ObjectClustersPanel::tr("Wrong boxes");
    case ClusteredItems::Images:
        return ObjectClustersPanel::tr("Images with a miss");
    case ClusteredItems::Objects:
        break;
    }
    return ObjectClustersPanel::tr("Missed objects");
}

} // namespace

ObjectClustersPanel::ObjectClustersPanel(ProjectSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_side(new QComboBox(this)), m_summary(new QLabel(this)),
      m_model(new QStandardItemModel(this)), m_table(new QTableView(this)),
      m_query(
          this, [this](Found &found) { showClusters(found); },
          [this](const QString &message) { m_summary->setText(message); })
{
    m_side->addItem(tr("Missed objects"), int(Side::MissedObjects));
    m_side->addItem(tr("False boxes"), int(Side::FalseBoxes));
    m_side->addItem(tr("Images with misses"), int(Side::ImagesWithMisses));
    m_side->setToolTip(tr("Missed objects are grouped by what their pixels show; the model's false boxes and "
                          "the images by its embeddings, when the run has them"));
    m_summary->setWordWrap(true);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(kStripTile + 6);
    m_table->setIconSize(QSize(kStripTiles * (kStripTile + 2), kStripTile));
    m_table->setWordWrap(true);
    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Group"), this));
    controls->addWidget(m_side);
    controls->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    connect(m_side, &QComboBox::currentIndexChanged, this, &ObjectClustersPanel::refresh);
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
    const Side side = Side(m_side->currentData().toInt());
    m_summary->setText(side == Side::MissedObjects ? tr("Grouping the objects by what they look like…")
                                                   : tr("Grouping as the model sees them…"));
    const StringColumn images = m_session.table().images;
    m_query.request(m_session.project()->path(), [images, side](ProjectReader &reader) {
        Project &project = reader.project();
        const ShippedBoxes shipped = ShippedBoxes::load(project);
        const DetectionSet &set = shipped.set;
        const BoxErrors &errors = shipped.errors;
        const auto pathOf = [&](qint64 image) {
            return project.absoluteImagePath(images.value(image));
        };
        Progress quiet;
        Found found;
        const int run = project.latestRunId();
        const BoxEvidence evidence = DetectionStore(project.database()).boxEvidence(run);
        const ImageEmbeddings imageVectors = DetectionStore(project.database()).imageEmbeddings(run);
        found.hasBoxEmbeddings = evidence.hasEmbeddings(set.detections.size());
        found.hasImageEmbeddings = imageVectors.fits(set.images);
        if (side == Side::FalseBoxes) {
            found.clusters = ObjectClusters::ofPredictedBoxes(set, errors, evidence, quiet);
            for (size_t d = 0; d < set.detections.size(); ++d) {
                found.imageOf.push_back(set.detections[d].image);
                found.failed.push_back(errors.detections[d].error != BoxError::None);
            }
        } else if (side == Side::ImagesWithMisses) {
            found.clusters =
                ObjectClusters::ofImages(set, errors, imageVectors.rows, imageVectors.dimensions, quiet);
            found.imageOf.resize(size_t(set.images));
            std::iota(found.imageOf.begin(), found.imageOf.end(), 0);
            found.failed.assign(size_t(set.images), false);
            for (size_t g = 0; g < set.annotations.size(); ++g) {
                if (!set.annotations[g].crowd && errors.annotations[g].detection < 0)
                    found.failed[size_t(set.annotations[g].image)] = true;
            }
        } else {
            found.clusters = ObjectClusters::find(set, errors, pathOf, quiet);
            for (size_t g = 0; g < set.annotations.size(); ++g) {
                found.imageOf.push_back(set.annotations[g].image);
                found.failed.push_back(errors.annotations[g].detection < 0);
            }
        }
        RecentImages decoded;
        for (const ObjectCluster &cluster : found.clusters.clusters)
            found.strips.push_back(stripOf(found.clusters, cluster, set, errors, decoded, pathOf));
        return found;
    });
}

void ObjectClustersPanel::enableSides(bool boxEmbeddings, bool imageEmbeddings)
{
    auto *sides = qobject_cast<QStandardItemModel *>(m_side->model());
    for (const auto &[side, available, missing] :
         {std::tuple{Side::FalseBoxes, boxEmbeddings, tr("The run has no box embeddings")},
          std::tuple{Side::ImagesWithMisses, imageEmbeddings, tr("The run has no image embeddings")}}) {
        QStandardItem *item = sides->item(m_side->findData(int(side)));
        item->setEnabled(available);
        item->setToolTip(available ? QString() : missing);
    }
}

void ObjectClustersPanel::showClusters(Found &found)
{
    enableSides(found.hasBoxEmbeddings, found.hasImageEmbeddings);
    m_clusters = std::move(found.clusters);
    m_imageOf = std::move(found.imageOf);
    m_failed = std::move(found.failed);
    m_model->clear();
    const ClusteredItems items = m_clusters.items;
    const bool boxes = items == ClusteredItems::PredictedBoxes, images = items == ClusteredItems::Images;
    m_model->setHorizontalHeaderLabels({tr("#"), failuresName(items),
                                        boxes    ? tr("Boxes")
                                        : images ? tr("Images")
                                                 : tr("Objects"),
                                        boxes    ? tr("Wrong")
                                        : images ? tr("With a miss")
                                                 : tr("Missed"),
                                        tr("Classes predict"), tr("What they share")});
    const QStringList &classes = m_session.table().classNames;
    for (size_t k = 0; k < m_clusters.clusters.size(); ++k) {
        const ObjectCluster &c = m_clusters.clusters[k];
        auto *strip = textItem(QString());
        if (k < found.strips.size() && !found.strips[k].isNull())
            strip->setData(found.strips[k], Qt::DecorationRole);
        const QString description = m_clusters.describeCluster(c, classes);
        auto *shared = textItem(description.mid(description.indexOf(QLatin1String("): ")) + 3));
        shared->setToolTip(description);
        m_model->appendRow({textItem(QString::number(k + 1)), strip, textItem(format::count(c.stats.size)),
                            textItem(format::percent(c.stats.errorRate)),
                            textItem(format::percent(c.stats.expectedErrorRate)), shared});
    }
    m_table->resizeColumnsToContents();
    m_summary->setText(summary(found));
}

QString ObjectClustersPanel::summary(const Found &found) const
{
    const QString clustered = format::count(m_clusters.clustered), total = format::count(m_clusters.total),
                  rate = format::percent(m_clusters.missRate);
    switch (m_clusters.items) {
    case ClusteredItems::PredictedBoxes:
        if (!found.hasBoxEmbeddings)
            return tr("The run has no box embeddings (box_embeddings.npy) to group its boxes by.");
        return tr("%1 of %2 predicted boxes at score ≥ %4 grouped as the model sees them (its box "
                  "embeddings); "
                  "%3 wrong. The worst groups first: wrong beyond what their classes predict. Click one to "
                  "show "
                  "the images of its wrong boxes.")
            .arg(clustered, total, rate)
            .arg(kShippedScore);
    case ClusteredItems::Images:
        if (!found.hasImageEmbeddings)
            return tr("The run has no image embeddings (embeddings.npy) to group its images by.");
        return tr("%1 of %2 images grouped as the model sees them (its image embeddings); %3 with an object "
                  "missed at score ≥ %4. The worst groups first: beyond what their classes predict. Click "
                  "one "
                  "to show its images with a miss.")
            .arg(clustered, total, rate)
            .arg(kShippedScore);
    case ClusteredItems::Objects:
        break;
    }
    return tr("%1 of %2 objects grouped by what they look like (appearance, brightness, size, shape); %3 "
              "missed "
              "at score ≥ %4. The worst groups first: missed beyond what their classes predict. Click one to "
              "show the images of its missed objects.")
        .arg(clustered, total, rate)
        .arg(kShippedScore);
}

void ObjectClustersPanel::activateRow(int row)
{
    if (row < 0 || size_t(row) >= m_clusters.clusters.size())
        return;
    std::vector<qint64> images;
    for (const qint64 member : m_clusters.clusters[size_t(row)].members)
        if (m_failed[size_t(member)])
            images.push_back(m_imageOf[size_t(member)]);
    std::sort(images.begin(), images.end());
    images.erase(std::unique(images.begin(), images.end()), images.end());
    SampleFilter filter;
    filter.kind = SampleFilter::Kind::Objects;
    filter.value = row;
    filter.description = tr("%1 of cluster %2").arg(failuresName(m_clusters.items).toLower()).arg(row + 1);
    m_session.setFilter(filter, std::move(images));
}

} // namespace loupe
