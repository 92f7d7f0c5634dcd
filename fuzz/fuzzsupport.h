#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <functional>

namespace loupe::fuzz {

/**
 * A private folder for this fuzzing process, created on first use and removed at exit.
 * Readers take paths, so every target writes its input into files here; reusing the
 * same paths for each input keeps an execution cheap.
 */
QString workDir();

/** Writes bytes to path (replacing it) and returns path; creates missing folders. */
QString writeFile(const QString &path, QByteArrayView bytes);

/** Removes path, file or folder tree, if it exists. */
void removePath(const QString &path);

/**
 * Runs body and returns 0. loupe::Error and loupe::Cancelled are the expected answers
 * to bad input and are swallowed; anything else (another exception, a crash, a
 * sanitizer report) escapes to libFuzzer as a finding.
 */
int runExpectingErrors(const std::function<void()> &body);

/**
 * Splits data at each occurrence of separator into at most maxParts parts (the last part
 * keeps any further separators). Lets one input carry several files.
 */
QList<QByteArrayView> splitParts(QByteArrayView data, QByteArrayView separator, int maxParts);

} // namespace loupe::fuzz
