// English strings of the time series field and control; zh-CN in timeseries.zh-CN.ts.
export const timeseriesEn = {
  'ts.series': 'Time series {name}',
  'ts.charts': 'Channels: drag to label a range, Shift+drag to pan, wheel to zoom',
  'ts.loading': 'Loading the time series…',
  'ts.loadFailed': 'The time series could not be loaded: {reason}',
  'ts.points': '{count} points',
  'ts.shown': '{pct} % shown',
  'ts.zoomIn': 'Zoom in (+)',
  'ts.zoomOut': 'Zoom out (−)',
  'ts.all': 'Show all (0)',
  'ts.hint': 'Drag across the charts to label a range with the chosen label; Shift+drag pans, the wheel zooms. Keyboard: ←/→ move the cursor, + and − zoom, [ marks a start and ] labels up to the cursor.',
  'tpl.timeseries.name': 'Time series ranges',
  'tpl.timeseries.desc': 'Label ranges and moments on sensor channels: activity, faults, anomalies. Label Studio TimeSeries in and out.',
  'err.data.timeseries_invalid': 'The field “{name}” must name a CSV file or hold equally long columns of numbers.',
  'err.annotation.timeseries.time_invalid': 'The {key} of a range must be a number or an ISO 8601 time.',
  'err.annotation.timeseries.range_reversed': 'A range must not end ({end}) before it starts ({start}); an instant ends where it starts.',
} as const;
