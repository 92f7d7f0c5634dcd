#include "annotationerrorspanel.h"

#include "analysis/labels/annotationneighbours.h"
#include "boxcrop.h"
#include "dataset/sampletable.h"
#include "projectsession.h"
#include "storage/detectionstore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <map>

namespace loupe {

namespace {

/** The suggestions shown: the strongest ones, enough to work through. */
constexpr size_t kShown = 500;
constexpr double kMinimum = 0.1;
constexpr int kCropSide = 56;

QStandardItem *item(const QString &text)
{
    auto *cell = new QStandardItem(text);
    cell->setEditable(false);
    return cell;
}

QString boxText(const Box &box)
{
    return QStringLiteral("[%1, %2, %3, %4]")
        .arg(box.x, 0, 'f', 0)
        .arg(box.y, 0, 'f', 0)
        .arg(box.width, 0, 'f', 0)
        .arg(box.height, 0, 'f', 0);
}

/**
 * The box of each suggestion listed, cut from its image with a margin of half its size and the
 * box (and the suggested one, dashed) drawn in: what the row is about, at a glance. One decode
 * per image, the images in order.
 */
std::vector<QImage> crops(Project &project, const StringColumn &images, const DetectionSet &set,
                          const std::vector<AnnotationSuggestion> &suggestions)
{
    const size_t count = std::min(suggestions.size(), kShown);
    std::vector<QImage> result(count);
    std::map<qint64, std::vector<size_t>> byImage;
    for (size_t r = 0; r < count; ++r)
        byImage[suggestions[r].image].push_back(r);
    for (const auto &[image, rows] : byImage) {
        const QImage full(project.absoluteImagePath(images.value(image)));
        if (full.isNull())
            continue;
        for (const size_t r : rows) {
            const AnnotationSuggestion &s = suggestions[r];
            const Box shown = s.annotation >= 0 ? set.annotations[size_t(s.annotation)].box : s.newBox;
            const QRectF suggested = s.issue == AnnotationIssue::BadLocation
                                         ? QRectF(s.newBox.x, s.newBox.y, s.newBox.width, s.newBox.height)
                                         : QRectF();
            result[r] =
                boxCrop(full, QRectF(shown.x, shown.y, shown.width, shown.height), QColor(240, 60, 60),
                        QSize(kCropSide, kCropSide), suggested, QColor(46, 160, 67));
        }
    }
    return result;
}

} // namespace

AnnotationErrorsPanel::AnnotationErrorsPanel(ProjectSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_summary(new QLabel(this)), m_table(new QTableView(this)),
      m_model(new QStandardItemModel(this)), m_accept(new QPushButton(tr("&Accept fix"), this)),
      m_query(
          this, [this](Found &found) { show(found); },
          [this](const QString &message) { m_summary->setText(message); })
{
    m_summary->setWordWrap(true);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(kCropSide + 6);
    m_table->setIconSize(QSize(kCropSide, kCropSide));
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_accept->setToolTip(tr("Apply the selected suggestion's fix (A); Ctrl+Z undoes it"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_summary, 1);
    buttons->addWidget(m_accept);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(buttons);
    layout->addWidget(m_table, 1);

    connect(&session, &ProjectSession::opened, this, &AnnotationErrorsPanel::refresh);
    connect(&session, &ProjectSession::closed, this, &AnnotationErrorsPanel::refresh);
    connect(&session, &ProjectSession::boxesEdited, this, &AnnotationErrorsPanel::refresh);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid() && size_t(current.row()) < m_suggestions.size())
                    m_session.setSelection({m_suggestions[size_t(current.row())].image}, this);
            });
    connect(m_accept, &QPushButton::clicked, this, [this] { acceptFix(m_table->currentIndex().row()); });
    m_table->installEventFilter(this);
    refresh();
}

void AnnotationErrorsPanel::refresh()
{
    m_model->clear();
    m_suggestions.clear();
    m_query.invalidate();
    const bool detection = m_session.isOpen() && m_session.project()->task() == ProjectTask::Detection;
    m_accept->setEnabled(false);
    if (!detection) {
        m_summary->setText(
            tr("Suspected annotation errors are found in detection projects, from a model's boxes."));
        return;
    }
    m_summary->setText(tr("Finding suspected annotation errors…"));
    const StringColumn images = m_session.table().images;
    m_query.request(m_session.project()->path(), [images](ProjectReader &reader) {
        Project &project = reader.project();
        Found found;
        const int run = project.latestRunId();
        if (run < 0)
            return found;
        const DetectionStore store(project.database());
        const DetectionSet set = store.load(run);
        found.suggestions = findAnnotationErrors(set, store.boxEvidence(run)).ranked(set, kMinimum);
        found.boxIds = store.annotationIds();
        found.crops = crops(project, images, set, found.suggestions);
        return found;
    });
}

QString AnnotationErrorsPanel::fixText(const AnnotationSuggestion &s) const
{
    const QStringList &classes = m_session.table().classNames;
    switch (s.issue) {
    case AnnotationIssue::Overlooked:
        return tr("add a %1 at %2").arg(classes.value(s.newClass), boxText(s.newBox));
    case AnnotationIssue::WrongClass:
        return tr("relabel as %1").arg(classes.value(s.newClass));
    case AnnotationIssue::BadLocation:
        return tr("move to %1").arg(boxText(s.newBox));
    case AnnotationIssue::Spurious:
        return tr("delete");
    case AnnotationIssue::None:
        break;
    }
    return {};
}

void AnnotationErrorsPanel::show(Found &found)
{
    const qint64 total = qint64(found.suggestions.size());
    m_boxIds = std::move(found.boxIds);
    m_suggestions = std::move(found.suggestions);
    if (m_suggestions.size() > kShown)
        m_suggestions.resize(kShown);
    m_model->clear();
    m_model->setHorizontalHeaderLabels(
        {tr("#"), tr("Box"), tr("Image"), tr("Issue"), tr("Score"), tr("Fix")});
    const SampleTable &table = m_session.table();
    for (size_t r = 0; r < m_suggestions.size(); ++r) {
        const AnnotationSuggestion &s = m_suggestions[r];
        auto *crop = item(QString());
        if (r < found.crops.size() && !found.crops[r].isNull())
            crop->setData(found.crops[r], Qt::DecorationRole);
        m_model->appendRow({item(QString::number(r + 1)), crop, item(table.ids.value(s.image)),
                            item(annotationIssueName(s.issue).replace(QLatin1Char('_'), QLatin1Char(' '))),
                            item(QString::number(s.score, 'f', 2)), item(fixText(s))});
    }
    m_table->resizeColumnsToContents();
    m_accept->setEnabled(!m_suggestions.empty());
    m_summary->setText(total == 0 ? tr("No suspected annotation errors (or no predictions yet).")
                                  : tr("%1 suspected annotation errors scoring %2 or more; the %3 strongest:")
                                        .arg(total)
                                        .arg(kMinimum, 0, 'f', 1)
                                        .arg(m_suggestions.size()));
}

bool AnnotationErrorsPanel::acceptFix(int row)
{
    if (row < 0 || size_t(row) >= m_suggestions.size() || !m_session.isOpen() || m_session.areEditsHeld())
        return false;
    const AnnotationSuggestion &s = m_suggestions[size_t(row)];
    const qint64 boxId =
        s.annotation >= 0 && size_t(s.annotation) < m_boxIds.size() ? m_boxIds[size_t(s.annotation)] : -1;
    const std::optional<BoxChange> change = changeFixing(s, boxId);
    if (!change)
        return false;
    return m_session.changeBoxes({*change}, tr("%1: %2").arg(annotationIssueName(s.issue), fixText(s)));
}

bool AnnotationErrorsPanel::eventFilter(QObject *watched, QEvent *event)
{
    // A accepts the fix; the table would take the letter for a keyboard search.
    if (watched == m_table && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_A && key->modifiers() == Qt::NoModifier) {
            acceptFix(m_table->currentIndex().row());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace loupe
