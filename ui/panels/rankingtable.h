#pragma once

#include <Qt>

class QStandardItem;
class QStandardItemModel;
class QString;
class QTableView;

namespace loupe::rankingtable {

/** The role ranking tables sort by: the number behind a formatted cell, or the text. */
constexpr int kSortRole = Qt::UserRole + 100;

/** A right-aligned cell that shows text and sorts by value. */
QStandardItem *numberItem(double value, const QString &text);
/** A cell that shows and sorts by text. */
QStandardItem *textItem(const QString &text);

/**
 * Shows model in view as a read-only ranking: one row selected at a time, sortable by
 * clicking a header (numerically, through kSortRole), alternating row colors.
 */
void setUp(QTableView *view, QStandardItemModel *model);

} // namespace loupe::rankingtable
