<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
  <context>
    <name>iSAGE</name>
    <message>
      <source>Accuracy assessment</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Allocation</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Allow more than the method's budget</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Allow rasters unlike the training frames</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Also write Cloud-Optimized GeoTIFFs</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>An engine run is in progress; wait for it or cancel it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>An engine run is in progress; wait for it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Annotator</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Annotator field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Anticipated standard error of overall accuracy</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Anticipated user's accuracy</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Area of interest</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Assess map</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Benchmark folder</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Class field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Class field holds</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Class raster</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Class {name}: {pixels} pixels, weight {weight:.3f}, {sample} sample points</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Classes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Classes absent from the map (no stratum, no point): {ids}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Click not recorded: pixel (row {row}, col {col}) of frame '{frame}' is a point of the accuracy assessment sample, which must stay independent of training; click a neighbouring pixel.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Clicks added</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Clicks still predicted wrong</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Clicks used</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Compute device</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Confidence heatmap</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Confident-error heatmap</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Conflicts</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Created by</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Dask scheduler</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Dataset folder</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Decoder channels</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Design id</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Design {design} of iteration {iteration} over the visible extent: {size} sample points; anticipated standard error of the overall accuracy {se:.3f}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Design {design} of iteration {iteration}: {size} sample points; anticipated standard error of the overall accuracy {se:.3f}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Each class gets points in proportion to its mapped area: the most precise overall accuracy, but a rare class may get too few points to estimate its accuracy.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Encoder</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Equal for every class</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Estimate the map's accuracy from the labels given so far</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Estimated from {count} sample points labelled with a class ({unsure} marked unsure are left out).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Every class gets the same number of points: the best for comparing classes, but the overall accuracy and areas are less precise.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Every sample point is labelled; the report follows.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Extent</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Final loss</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Give the model file or the workspace, so the classes are known</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Give the workspace or the model file to export</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>How Assess map draws a new sample of pixels to label; a sample already drawn is kept.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>How the sample points are shared among the classes of the map (its strata).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>INPUT: not a readable point layer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Import the accepted points anyway</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>In proportion to the mapped area, but every class gets at least the minimum below, so that rare classes can be estimated too (adds points when classes are rare).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Iteration</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Iteration of the map</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Iteration reported in full</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Iteration {iteration}: overall accuracy {figure}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>JSON files (*.json)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Label a random sample of pixels without seeing the map (it is hidden meanwhile). The first time, the sample is drawn from the latest map, over the whole frames or the visible extent as chosen under Model, with the sample design of the iSAGE settings.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Label of sample point {n} retracted (it stays in the record); label it again.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Leave this point for later; it comes back after the others</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Left click: add a click of the chosen class; right click: retract; keys 1-9: class (and label the proposal or sample point shown); N: next proposal (or skip the sample point); U: sample point unsure; Ctrl+Z: undo</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Map accuracy</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Map accuracy of iteration {iteration} (overall accuracy): {figure}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Merge report</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Methods</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Minimum area (pixels)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Minimum points per class</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Model file</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No accuracy assessment design yet: press Assess map first.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No accuracy assessment yet: Assess map draws a sample of pixels to label.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No label of this session to undo.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No map accuracy yet: too few sample points labelled with a class (see below).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No model yet: train one first; the assessment samples its map.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No sample point is labelled with a class yet: Assess map and label some.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>ONNX model</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>ONNX models (*.onnx)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Open or create a click record first (or wait for the run to finish).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Open or create a click record first.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Open report</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Other click GeoPackage</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Output folder</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Overall accuracy</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Overall accuracy (0-1)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Overall accuracy of iteration {iteration}: {estimate:.3f} (standard error {se:.3f}, 95% interval {low:.3f} to {high:.3f}), from {labelled} labelled points</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Overall accuracy, 95% interval high</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Overall accuracy, 95% interval low</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Partial (not every point labelled)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Partial: {unlabelled} of {points} sample points not labelled yet; these figures will change.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Plot (PNG)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Point layer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Points refused</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Polygons</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Predicted class raster</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Prediction backend</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Prediction precision (OpenVINO)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Press the key (1-9) of the class you see there, U if unsure, N to skip it for now.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Proportional to the mapped area</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Proportional, with a minimum</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Proposals</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Random seed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Raster</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Raster or VRT mosaic</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Reference class raster</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Report</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Report (Markdown)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Report folder</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Resolution (cm/px)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Results (JSON)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Resume</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Resume the benchmark in the folder</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Retract the last label given here and show its point again</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Retractions added</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Running the iSAGE engine: isage </source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Sample of iteration {iteration}'s map (design {design}): {counter}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Sample point {n} of {total}: frame {frame}, row {row}, col {col}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Sample points</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Sample points labelled (unsure ones included)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Sample points not labelled</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Sample size (points)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Scores</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Seeds</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Show the map again; the labels given so far stay</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Skip (N)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Standard error of overall accuracy</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Stop assessing</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Target standard error</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Target standard error of overall accuracy</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The engine made no design: see the iSAGE log messages.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The fewest points any class gets with the minimum allocation; a higher minimum means more points in all when some classes are rare.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The full report: error matrix, class areas, plots</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The random seed of the sample: the same seed, map and settings draw the same points; change it to draw a different sample.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The standard error of overall accuracy the sample should reach: how precise the overall accuracy estimate should be; it sets the number of sample points. A smaller standard error needs more points: 0.025 gives a 95% interval of about ±5 percentage points, 0.0125 about four times as many points for ±2.5.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The user's accuracy you expect of each class, used only to work out the number of points. A lower value needs more points; if the map turns out better, the interval is narrower than the target.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Undo label</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Unsure (U)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Wall time (s)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Warm start</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Workspace (clicks.gpkg or its folder)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>You cannot tell the class here</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>fit on its training clicks {percent:.0f}%</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>iSAGE click tool</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>iSAGE metadata (JSON)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>iSAGE panel</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>iSAGE settings…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>mIoU</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>no sample point labelled as it</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>no sample point mapped as it</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{count} sample points lie within a few pixels of a training click.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{estimate:.1f}% (95% interval {low:.1f}% to {high:.1f}%)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{estimate:.1f}% (no interval: too few labelled points, or all of them agree)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{labelled} labelled, {unsure} unsure, {left} left of {total} sample points</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{name}: user's accuracy {users}; producer's accuracy {producers}</source>
      <translation type="unfinished" />
    </message>
  </context>
</TS>
