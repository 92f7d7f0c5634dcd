#include "clusterspanel.h"

#include "analysis/steps/kmeansstep.h"
#include "analysis/steps/mapclustersstep.h"
#include "analysis/steps/patternsstep.h"
#include "clusterstripdelegate.h"
#include "common/numberformat.h"
#include "projectsession.h"
#include "storage/project.h"
#include "rankingtable.h"
#include "thumbnailcache.h"

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QStandardItemModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace loupe {

namespace {

constexpr int kMethodRole = Qt::UserRole + 1;
constexpr int kClusterRole = Qt::UserRole + 2;
using rankingtable::numberItem;
using rankingtable::textItem;

QStandardItem *numberItem(double value, int decimals)
{
    return numberItem(value, decimals == 0 ? QString::number(qint64(value)) : format::fixed(value, decimals));
}

QStandardItem *percentItem(double share)
{
    return numberItem(share, format::percent(share));
}

QString dominant(const QStringList &classes, int index, double share)
{
    if (index < 0)
        return QStringLiteral("-");
    return QStringLiteral("%1 (%2)").arg(classes.value(index), format::percent(share, 0));
}

/** Whether a group's excess errors pass Bonferroni over its method's groups. */
bool isSignificant(const ClusterRecord &record, size_t groups)
{
    return record.pValue < 0.05 / double(std::max<size_t>(1, groups));
}

QString groupName(const QString &method, int cluster)
{
    if (method == QLatin1String("pattern"))
        return ClustersPanel::tr("pattern %1").arg(cluster);
    if (method == QLatin1String("density"))
        return ClustersPanel::tr("map cluster %1").arg(cluster);
    return ClustersPanel::tr("cluster %1").arg(cluster);
}

} // namespace

ClustersPanel::ClustersPanel(ProjectSession &session, ThumbnailCache &thumbnails, QWidget *parent)
    : QWidget(parent), m_session(session), m_thumbnails(thumbnails), m_view(new QComboBox(this)),
      m_summary(new QLabel(this)), m_model(new QStandardItemModel(this)), m_table(new QTableView(this)),
      m_strips(new ClusterStripDelegate(thumbnails, this)), m_repaint(new QTimer(this))
{
    m_view->addItem(tr("Patterns across classes, then clusters"), QStringLiteral("all"));
    m_view->addItem(tr("Failure patterns across classes"), QStringLiteral("pattern"));
    m_view->addItem(tr("Embedding clusters (k-means)"), QStringLiteral("kmeans"));
    m_view->addItem(tr("Map clusters (HDBSCAN)"), QStringLiteral("density"));
    m_summary->setWordWrap(true);
    rankingtable::setUp(m_table, m_model);
    m_table->setItemDelegateForColumn(Images, m_strips);
    m_table->verticalHeader()->setDefaultSectionSize(ClusterStripDelegate::kTileSize +
                                                     2 * ClusterStripDelegate::kGap);
    // A row is as tall as its strip, room for two lines: the description's two traits both show.
    m_table->setWordWrap(true);
    m_table->setTextElideMode(Qt::ElideRight);
    m_repaint->setSingleShot(true);
    m_repaint->setInterval(60);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_view);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);

    connect(m_view, &QComboBox::currentIndexChanged, this, &ClustersPanel::rebuild);
    connect(m_table, &QTableView::activated, this,
            [this](const QModelIndex &index) { activateRow(index.row()); });
    connect(m_table, &QTableView::clicked, this,
            [this](const QModelIndex &index) { activateRow(index.row()); });
    connect(&thumbnails, &ThumbnailCache::thumbnailReady, this, &ClustersPanel::onThumbnailReady);
    connect(m_repaint, &QTimer::timeout, this, [this] {
        m_table->viewport()->update();
        // The grid may drop queued decodes when it scrolls: ask again until every strip is painted.
        QTimer::singleShot(400, this, [this] {
            if (!m_strips->lastPaintComplete() && isVisible())
                m_repaint->start();
        });
    });
    connect(&session, &ProjectSession::opened, this, &ClustersPanel::rebuild);
    connect(&session, &ProjectSession::closed, this, &ClustersPanel::rebuild);
    connect(&session, &ProjectSession::analysisReloaded, this, &ClustersPanel::rebuild);
    connect(&session, &ProjectSession::samplesEdited, this, &ClustersPanel::rebuild);
    rebuild();
}

QString ClustersPanel::view() const
{
    return m_view->currentData().toString();
}

void ClustersPanel::setView(const QString &view)
{
    m_view->setCurrentIndex(std::max(0, m_view->findData(view)));
}

const ClusterResults &ClustersPanel::results(const QString &method) const
{
    if (method == QLatin1String("pattern"))
        return m_session.analysis().get<FailurePatterns>();
    if (method == QLatin1String("kmeans"))
        return m_session.analysis().get<EmbeddingClusters>();
    return m_session.analysis().get<MapClusters>();
}

void ClustersPanel::appendRow(const QString &method, const ClusterRecord &c)
{
    const SampleTable &table = m_session.table();
    const QStringList &classes = table.classNames;
    auto *images = new QStandardItem;
    QList<qint64> samples;
    QList<bool> errors;
    for (const qint64 s : c.examples) {
        if (s < 0 || s >= table.size())
            continue;
        samples << s;
        errors << table.isError(s);
        m_stripSamples.insert(s);
    }
    images->setData(QVariant::fromValue(samples), ClusterStripDelegate::kSamplesRole);
    images->setData(QVariant::fromValue(errors), ClusterStripDelegate::kErrorsRole);
    images->setToolTip(tr("The most typical members, then the worst errors (red frame: the model is wrong)"));
    auto *apart = textItem(c.description.isEmpty() ? tr("nothing stands out") : c.description);
    apart->setToolTip(c.description);

    QList<QStandardItem *> row;
    row << numberItem(double(m_model->rowCount() + 1), 0) << textItem(groupName(method, c.cluster)) << images
        << numberItem(double(c.size), 0) << numberItem(double(c.errors), 0) << percentItem(c.errorRate)
        << numberItem(c.expectedErrors, 1) << percentItem(c.severityPerMember()) << numberItem(c.severity, 1)
        << numberItem(c.pValue, 4) << textItem(dominant(classes, c.dominantLabel, c.dominantLabelShare))
        << textItem(dominant(classes, c.dominantPredicted, c.dominantPredictedShare)) << apart;
    row.first()->setData(method, kMethodRole);
    row.first()->setData(c.cluster, kClusterRole);
    m_model->appendRow(row);
}

void ClustersPanel::rebuild()
{
    m_model->clear();
    m_stripSamples.clear();
    m_strips->forgetMissing();
    m_model->setHorizontalHeaderLabels({tr("#"), tr("Group"), tr("Images"), tr("Size"), tr("Errors"),
                                        tr("Error rate"), tr("Expected"), tr("Excess"), tr("Severity"),
                                        tr("p"), tr("Given"), tr("Predicted"), tr("What sets it apart")});
    m_model->horizontalHeaderItem(Expected)->setToolTip(
        tr("Errors the group's mix of classes predicts at the overall per-class error rates"));
    m_model->horizontalHeaderItem(ExcessPerImage)
        ->setToolTip(
            tr("How much higher the error rate is than the class mix predicts, at 95% confidence: patterns "
               "rank by this (a condition is as bad as what it does to each image)"));
    m_model->horizontalHeaderItem(Severity)->setToolTip(
        tr("Errors beyond what the class mix predicts, at 95% confidence: clusters rank by this"));
    m_model->horizontalHeaderItem(Apart)->setToolTip(
        tr("The metadata and image statistics that differ most from the rest of the group's classes"));

    const QString shown = view();
    const std::vector<ClusterRecord> &patterns = results(QStringLiteral("pattern")).clusters;
    int significantPatterns = 0;
    for (const ClusterRecord &p : patterns) {
        const bool significant = isSignificant(p, patterns.size());
        significantPatterns += significant;
        if (shown == QLatin1String("pattern") || (shown == QLatin1String("all") && significant))
            appendRow(QStringLiteral("pattern"), p);
    }
    int significantClusters = 0;
    size_t clusterCount = 0;
    if (shown != QLatin1String("pattern")) {
        const QString method = shown == QLatin1String("all") ? QStringLiteral("kmeans") : shown;
        const std::vector<ClusterRecord> &clusters = results(method).clusters;
        clusterCount = clusters.size();
        for (const ClusterRecord &c : clusters) {
            significantClusters += isSignificant(c, clusters.size());
            appendRow(method, c);
        }
    }
    if (m_model->rowCount() == 0)
        m_summary->setText(
            m_session.isOpen() && m_session.project()->task() == ProjectTask::Detection
                ? tr("A detection project's failure clusters are groups of objects: see the Object clusters "
                     "panel; the suspected annotation errors are in the Annotation errors panel.")
                : tr("Nothing yet: run the analysis (File > Analyse Project, or loupe-cli analyze)."));
    else
        m_summary->setText(tr("%1 of %2 pattern(s) across classes and %3 of %4 cluster(s) fail significantly "
                              "more than their classes predict (Bonferroni). Click one to show its samples.")
                               .arg(significantPatterns)
                               .arg(patterns.size())
                               .arg(significantClusters)
                               .arg(clusterCount));
    m_table->sortByColumn(Rank, Qt::AscendingOrder); // patterns first (worst per image), then clusters
    m_table->resizeColumnsToContents();
    m_table->setColumnWidth(Images, 8 * (ClusterStripDelegate::kTileSize + ClusterStripDelegate::kGap) +
                                        ClusterStripDelegate::kGap);
    m_table->horizontalHeader()->setStretchLastSection(true);
}

void ClustersPanel::onThumbnailReady(qint64 sample)
{
    if (m_stripSamples.contains(sample) && !m_repaint->isActive())
        m_repaint->start();
}

QString ClustersPanel::methodAt(int row) const
{
    return m_table->model()->index(row, Rank).data(kMethodRole).toString();
}

int ClustersPanel::clusterAt(int row) const
{
    const QModelIndex index = m_table->model()->index(row, Rank);
    return index.isValid() ? index.data(kClusterRole).toInt() : -1;
}

void ClustersPanel::activateRow(int row)
{
    if (!m_table->model()->index(row, Rank).isValid())
        return;
    const QString method = methodAt(row);
    const int cluster = clusterAt(row);
    SampleFilter filter;
    filter.kind = method == QLatin1String("pattern")  ? SampleFilter::Kind::Pattern
                  : method == QLatin1String("kmeans") ? SampleFilter::Kind::Cluster
                                                      : SampleFilter::Kind::MapCluster;
    filter.value = cluster;
    filter.description = groupName(method, cluster);
    m_session.setFilter(filter);
    Q_EMIT clusterActivated(method, cluster);
}

} // namespace loupe
