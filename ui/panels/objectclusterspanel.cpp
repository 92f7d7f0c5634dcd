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

namespace loupe {

namespace {

constexpr int kStripTile = 44;
constexpr int kStripTiles = 6;

using rankingtable::textItem;

/** The cluster's failed examples (missed objects, or wrong boxes) cut from their images, side by side. */
QImage stripOf(const ObjectCluster &cluster, const DetectionSet &set, const BoxErrors &errors, bool boxes,
               RecentImages &images, const std::function<QString(qint64)> &pathOf)
{
    const int tiles = int(std::min<size_t>(cluster.examples.size(), kStripTiles));
    if (tiles == 0)
        return {};
    QImage strip(tiles * (kStripTile + 2), kStripTile, QImage::Format_RGB32);
    strip.fill(Qt::white);
    QPainter painter(&strip);
    for (int t = 0; t < tiles; ++t) {
        const auto index = size_t(cluster.examples[size_t(t)]);
        const qint64 image = boxes ? set.detections[index].image : set.annotations[index].image;
        const Box &box = boxes ? set.detections[index].box : set.annotations[index].box;
        const QColor color = boxes ? BoxColors::ofError(errors.detections[index].error) : BoxColors::kMissed;
        const QImage crop = boxCrop(images.image(pathOf(image)), QRectF(box.x, box.y, box.width, box.height),
                                    color, QSize(kStripTile, kStripTile));
        painter.drawImage(
            QPoint(t * (kStripTile + 2) + (kStripTile - crop.width()) / 2, (kStripTile - crop.height()) / 2),
            crop);
    }
    return strip;
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
    m_side->setToolTip(tr("Missed objects are grouped by what their pixels show; the model's false boxes "
                          "by its box embeddings, when the run has them"));
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
    const bool boxes = Side(m_side->currentData().toInt()) == Side::FalseBoxes;
    m_summary->setText(boxes ? tr("Grouping the predicted boxes as the model sees them…")
                             : tr("Grouping the objects by what they look like…"));
    const QStringList images = m_session.table().images;
    m_query.request(m_session.project()->path(), [images, boxes](ProjectReader &reader) {
        Project &project = reader.project();
        const ShippedBoxes shipped = ShippedBoxes::load(project);
        const DetectionSet &set = shipped.set;
        const BoxErrors &errors = shipped.errors;
        const auto pathOf = [&](qint64 image) {
            return project.absoluteImagePath(images.value(image));
        };
        Progress quiet;
        Found found;
        const BoxEvidence evidence = DetectionStore(project.database()).boxEvidence(project.latestRunId());
        found.hasBoxEmbeddings = evidence.hasEmbeddings(set.detections.size());
        if (boxes) {
            found.clusters = ObjectClusters::ofPredictedBoxes(set, errors, evidence, quiet);
            for (size_t d = 0; d < set.detections.size(); ++d) {
                found.imageOf.push_back(set.detections[d].image);
                found.failed.push_back(errors.detections[d].error != BoxError::None);
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
            found.strips.push_back(stripOf(cluster, set, errors, boxes, decoded, pathOf));
        return found;
    });
}

void ObjectClustersPanel::showClusters(Found &found)
{
    auto *sides = qobject_cast<QStandardItemModel *>(m_side->model());
    QStandardItem *falseBoxes = sides->item(m_side->findData(int(Side::FalseBoxes)));
    falseBoxes->setEnabled(found.hasBoxEmbeddings);
    falseBoxes->setToolTip(found.hasBoxEmbeddings ? QString() : tr("The run has no box embeddings"));
    m_clusters = std::move(found.clusters);
    m_imageOf = std::move(found.imageOf);
    m_failed = std::move(found.failed);
    m_model->clear();
    const bool boxes = m_clusters.predictedBoxes;
    m_model->setHorizontalHeaderLabels(
        {tr("#"), boxes ? tr("Wrong boxes") : tr("Missed objects"), boxes ? tr("Boxes") : tr("Objects"),
         boxes ? tr("Wrong") : tr("Missed"), tr("Classes predict"), tr("What they share")});
    const QStringList &classes = m_session.table().classNames;
    for (size_t k = 0; k < m_clusters.clusters.size(); ++k) {
        const ObjectCluster &c = m_clusters.clusters[k];
        auto *strip = textItem(QString());
        if (k < found.strips.size() && !found.strips[k].isNull())
            strip->setData(found.strips[k], Qt::DecorationRole);
        const QString description =
            boxes ? ObjectClusters::describeBoxes(c, classes) : ObjectClusters::describe(c, classes);
        auto *shared = textItem(description.mid(description.indexOf(QLatin1String("): ")) + 3));
        shared->setToolTip(description);
        m_model->appendRow({textItem(QString::number(k + 1)), strip, textItem(format::count(c.stats.size)),
                            textItem(format::percent(c.stats.errorRate)),
                            textItem(format::percent(c.stats.expectedErrorRate)), shared});
    }
    m_table->resizeColumnsToContents();
    if (boxes && !found.hasBoxEmbeddings) {
        m_summary->setText(tr("The run has no box embeddings (box_embeddings.npy) to group its boxes by."));
        return;
    }
    if (boxes) {
        m_summary->setText(
            tr("%1 of %2 predicted boxes at score ≥ %4 grouped as the model sees them (its box embeddings); "
               "%3 wrong. The worst groups first: wrong beyond what their classes predict. Click one to show "
               "the images of its wrong boxes.")
                .arg(format::count(m_clusters.clustered), format::count(m_clusters.total),
                     format::percent(m_clusters.missRate))
                .arg(kShippedScore));
        return;
    }
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
    for (const qint64 member : m_clusters.clusters[size_t(row)].members)
        if (m_failed[size_t(member)])
            images.push_back(m_imageOf[size_t(member)]);
    SampleFilter filter;
    filter.kind = SampleFilter::Kind::Objects;
    filter.value = row;
    filter.description = m_clusters.predictedBoxes ? tr("wrong boxes of box cluster %1").arg(row + 1)
                                                   : tr("missed objects of object cluster %1").arg(row + 1);
    m_session.setFilter(filter, std::move(images));
}

} // namespace loupe
