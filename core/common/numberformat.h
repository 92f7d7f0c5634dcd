#pragma once

#include <QString>

namespace loupe::format {

/**
 * How Loupe writes numbers for people, the same in the CLI, the reports and the panels:
 * independent of the machine's locale, so that output from CI and laptops reads alike.
 */

/** A share in [0, 1] as a percentage: 0.1234 -> "12.3%" (decimals after the point). */
QString percent(double share, int decimals = 1);
/** A change of a rate in percentage points, signed: 0.012 -> "+1.2 pt". */
QString signedPoints(double change, int decimals = 1);
/** A count with its digits grouped by a narrow no-break space: 70000 -> "70 000". */
QString count(qint64 value);
/** A fixed-point number: fixed(0.12345, 3) -> "0.123". */
QString fixed(double value, int decimals);
/** A measurement to `digits` significant digits, never in exponent form: 0.2134 -> "0.213", 4123.7 -> "4
 * 124". */
QString significant(double value, int digits = 3);
/** Three decimals, the precision of F1 and AUROC figures: fixed3(0.91234) -> "0.912". */
QString fixed3(double value);

} // namespace loupe::format
