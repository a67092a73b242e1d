// The parts of echarts the graphs draw with: the graph series on canvas, with tooltips.
import { GraphChart, type GraphSeriesOption } from 'echarts/charts';
import { TooltipComponent, type TooltipComponentOption } from 'echarts/components';
import { init, use as registerParts, type ComposeOption, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

registerParts([GraphChart, TooltipComponent, CanvasRenderer]);

export type GraphOption = ComposeOption<GraphSeriesOption | TooltipComponentOption>;
export type { ECharts, GraphSeriesOption };
export { init };
