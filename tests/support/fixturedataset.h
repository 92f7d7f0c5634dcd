#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace loupe::test {

/** One sample of a generated fixture folder. */
struct FixtureSample
{
    QString id;
    QString label; // empty: unlabeled
    QString split;
    std::vector<float> probabilities; // empty: the folder gets no predictions.npy
};

/**
 * Writes a small Loupe folder into folder: classes.txt, samples.csv (with a real
 * `weight` metadata column), one placeholder image file per sample, and
 * predictions.npy when the samples carry probabilities.
 */
void writeFixtureFolder(const QString &folder, const QStringList &classes,
                        const std::vector<FixtureSample> &samples);

/** Writes the fixture folder and imports it; returns the project path (folder/project.loupe). */
QString importFixture(const QString &folder, const QStringList &classes,
                      const std::vector<FixtureSample> &samples);

/** Three classes, six samples with hand-picked probabilities; see the .cpp for the values. */
std::vector<FixtureSample> smallFixture();
QStringList smallFixtureClasses();

} // namespace loupe::test
