// Shared panel defaults, in one place (units come with the signals: src/signals/).

export const timeseriesLegendCalcs = ['mean', 'max'];
export const fillOpacity = 10;
/** The colour of a limit line (thresholds style "line"). */
export const limitColor = 'red';
