#include "classpickerdialog.h"

#include <QDialogButtonBox>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <algorithm>

namespace loupe {

namespace {
constexpr int kClassIndexRole = Qt::UserRole + 1;
constexpr int kNumberKeys = 10;
} // namespace

ClassPickerDialog::ClassPickerDialog(const QStringList &classNames, int current, QWidget *parent)
    : QDialog(parent), m_filter(new QLineEdit(this)), m_list(new QListView(this)),
      m_model(new QStandardItemModel(this)), m_proxy(new QSortFilterProxyModel(this))
{
    setWindowTitle(tr("Relabel As"));
    resize(360, 420);
    for (int c = 0; c < classNames.size(); ++c) {
        // The number key beside the first ten, so the picker also teaches the shortcuts.
        const QString key = c < kNumberKeys ? QStringLiteral("   [%1]").arg((c + 1) % 10) : QString();
        auto *item = new QStandardItem(classNames.at(c) + key);
        item->setData(c, kClassIndexRole);
        item->setData(classNames.at(c), Qt::UserRole + 2);
        item->setEditable(false);
        m_model->appendRow(item);
    }
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterRole(Qt::UserRole + 2);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_list->setModel(m_proxy);
    m_list->setUniformItemSizes(true);
    m_filter->setPlaceholderText(tr("Type to find a class…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->installEventFilter(this);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Relabel"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);

    connect(m_filter, &QLineEdit::textChanged, this, &ClassPickerDialog::onFilterChanged);
    connect(m_list, &QListView::activated, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    selectRow(current >= 0 && current < classNames.size() ? current : 0);
    m_filter->setFocus();
}

int ClassPickerDialog::chosenClass() const
{
    const QModelIndex index = m_list->currentIndex();
    return index.isValid() ? index.data(kClassIndexRole).toInt() : -1;
}

int ClassPickerDialog::matchCount() const
{
    return m_proxy->rowCount();
}

bool ClassPickerDialog::eventFilter(QObject *watched, QEvent *event)
{
    // Arrow keys in the filter move the highlight, so the hands stay on the keyboard.
    if (watched == m_filter && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Down || key == Qt::Key_Up || key == Qt::Key_PageDown || key == Qt::Key_PageUp) {
            const int step = key == Qt::Key_Down       ? 1
                             : key == Qt::Key_Up       ? -1
                             : key == Qt::Key_PageDown ? 10
                                                       : -10;
            selectRow(std::clamp(m_list->currentIndex().row() + step, 0, std::max(0, matchCount() - 1)));
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

void ClassPickerDialog::onFilterChanged(const QString &text)
{
    m_proxy->setFilterFixedString(text.trimmed());
    selectRow(0);
}

void ClassPickerDialog::selectRow(int row)
{
    if (row < 0 || row >= matchCount())
        return;
    const QModelIndex index = m_proxy->index(row, 0);
    m_list->setCurrentIndex(index);
    m_list->scrollTo(index);
}

} // namespace loupe
