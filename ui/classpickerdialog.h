#pragma once

#include <QDialog>

class QLineEdit;
class QListView;
class QSortFilterProxyModel;
class QStandardItemModel;

namespace loupe {

/**
 * Picks a class by typing part of its name: with hundreds of classes the number keys
 * run out, and a menu is slow to scan. Up and Down move through the matches while the
 * filter keeps focus; Enter picks the highlighted class.
 */
class ClassPickerDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClassPickerDialog)

public:
    /** classNames in class-index order; current is highlighted first (-1: none). */
    ClassPickerDialog(const QStringList &classNames, int current, QWidget *parent = nullptr);

    /** The chosen class index, or -1 when nothing matches. */
    int chosenClass() const;
    QLineEdit *filterEdit() const { return m_filter; }
    /** How many classes match the filter. */
    int matchCount() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void onFilterChanged(const QString &text);
    void selectRow(int row);

    QLineEdit *m_filter;
    QListView *m_list;
    QStandardItemModel *m_model;
    QSortFilterProxyModel *m_proxy;
};

} // namespace loupe
