<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
  <context>
    <name>iSAGE</name>
    <message>
      <source> (found only {versions})</source>
      <translation> (solo se encontró: {versions})</translation>
    </message>
    <message numerus="yes">
      <source>%n frame file(s) of this record not found: {frames}; click "Re-link frames…" in the iSAGE panel and choose the folder that holds them</source>
      <translation>
        <numerusform>%n archivo de marco de este registro no encontrado: {frames}; haga clic en "Volver a vincular marcos…" en el panel de iSAGE y elija la carpeta que los contiene</numerusform>
        <numerusform>%n archivos de marco de este registro no encontrados: {frames}; haga clic en "Volver a vincular marcos…" en el panel de iSAGE y elija la carpeta que los contiene</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n frame(s) downloaded into the workspace: {names} ({megabytes} MB)</source>
      <translation>
        <numerusform>%n marco descargado en el espacio de trabajo: {names} ({megabytes} MB)</numerusform>
        <numerusform>%n marcos descargados en el espacio de trabajo: {names} ({megabytes} MB)</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n frame(s) not found</source>
      <translation>
        <numerusform>%n marco no encontrado</numerusform>
        <numerusform>%n marcos no encontrados</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n frame(s) re-linked</source>
      <translation>
        <numerusform>%n marco vuelto a vincular</numerusform>
        <numerusform>%n marcos vueltos a vincular</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n frames, {megapixels} Mpx in all; about {low}–{high} MB to download</source>
      <translation>
        <numerusform>%n marco, {megapixels} Mpx en total; unos {low}–{high} MB por descargar</numerusform>
        <numerusform>%n marcos, {megapixels} Mpx en total; unos {low}–{high} MB por descargar</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n points refused</source>
      <translation>
        <numerusform>%n punto rechazado</numerusform>
        <numerusform>%n puntos rechazados</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n proposals ({reasons}), {seconds} s per megapixel</source>
      <translation>
        <numerusform>%n propuesta ({reasons}), {seconds} s por megapíxel</numerusform>
        <numerusform>%n propuestas ({reasons}), {seconds} s por megapíxel</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n steps</source>
      <translation>
        <numerusform>%n paso</numerusform>
        <numerusform>%n pasos</numerusform>
      </translation>
    </message>
    <message>
      <source>'{python}' runs, but cannot import the iSAGE engine (isage_core); choose the Python of the environment where isage is installed, or create the engine environment</source>
      <translation>'{python}' se ejecuta, pero no puede importar el motor de iSAGE (isage_core); elija el Python del entorno donde está instalado isage o cree el entorno del motor</translation>
    </message>
    <message>
      <source>'{python}': the engine answered `info` without an environment report; update isage</source>
      <translation>'{python}': el motor respondió a `info` sin un informe del entorno; actualice isage</translation>
    </message>
    <message>
      <source>A PostGIS connection saved in QGIS (Browser &gt; PostgreSQL); its login is yours</source>
      <translation>Una conexión PostGIS guardada en QGIS (Explorador &gt; PostgreSQL); su usuario es el suyo</translation>
    </message>
    <message>
      <source>A class raster written by 'Predict classes' (class names are read from its tags).</source>
      <translation>Un ráster de clases escrito por 'Predecir clases' (los nombres de las clases se leen de sus etiquetas de metadatos).</translation>
    </message>
    <message>
      <source>A class raster written by 'Predict classes' (or any uint8 raster of class ids).</source>
      <translation>Un ráster de clases escrito por 'Predecir clases' (o cualquier ráster uint8 de ids de clase).</translation>
    </message>
    <message>
      <source>A class with fewer clicks than this on a frame gets a typical pixel, else an uncertain one.</source>
      <translation>Una clase con menos clics que esto en un marco recibe un píxel típico; si no, uno incierto.</translation>
    </message>
    <message>
      <source>A folder on this computer for the models and results (no password is written there)</source>
      <translation>Una carpeta en este equipo para los modelos y resultados (no se escribe ninguna contraseña en ella)</translation>
    </message>
    <message>
      <source>A folder with train/ and val/, each holding images/ and masks/ (GeoTIFF or PNG, mask files named as their images, class ids as pixel values, 255 for no data). Empty: the bundled sample.</source>
      <translation>Una carpeta con train/ y val/, cada una con images/ y masks/ (GeoTIFF o PNG, archivos de máscara con el nombre de sus imágenes, ids de clase como valores de píxel, 255 para sin datos). Vacío: la muestra incluida.</translation>
    </message>
    <message>
      <source>A model written by iSAGE (default: the workspace's latest).</source>
      <translation>Un modelo escrito por iSAGE (por defecto: el más reciente del espacio de trabajo).</translation>
    </message>
    <message>
      <source>A new (or empty) folder for the report, plot, JSON, CSV and the methods' workspaces, or the folder of a benchmark to resume.</source>
      <translation>Una carpeta nueva (o vacía) para el informe, el gráfico, el JSON, el CSV y los espacios de trabajo de los métodos, o la carpeta de un benchmark que reanudar.</translation>
    </message>
    <message>
      <source>A running Dask scheduler (its address, or the file `dask scheduler --scheduler-file` wrote) that Predict and Train run their predictions on. Frames, models and outputs must be on storage every worker reads at the same paths.</source>
      <translation>Un planificador Dask en marcha (su dirección, o el archivo que escribió `dask scheduler --scheduler-file`) en el que Predecir y Entrenar ejecutan sus predicciones. Los marcos, modelos y salidas deben estar en un almacenamiento que todos los trabajadores lean en las mismas rutas.</translation>
    </message>
    <message>
      <source>A scheduler address (tcp://host:8786) or scheduler file (.json); empty: a local cluster. The default is the scheduler of the iSAGE settings.</source>
      <translation>Una dirección de planificador (tcp://host:8786) o un archivo de planificador (.json); vacío: un clúster local. Por defecto, el planificador de la configuración de iSAGE.</translation>
    </message>
    <message>
      <source>Accuracy assessment</source>
      <translation>Evaluación de la exactitud</translation>
    </message>
    <message>
      <source>Accuracy assessment report</source>
      <translation>Informe de evaluación de la exactitud</translation>
    </message>
    <message>
      <source>Adam learning rate.</source>
      <translation>Tasa de aprendizaje de Adam.</translation>
    </message>
    <message>
      <source>Add a point layer's points as clicks (class field by id or name)</source>
      <translation>Añadir los puntos de una capa de puntos como clics (campo de clase por id o nombre)</translation>
    </message>
    <message>
      <source>Add class</source>
      <translation>Añadir clase</translation>
    </message>
    <message>
      <source>Add frames from {layer}</source>
      <translation>Añadir marcos de {layer}</translation>
    </message>
    <message>
      <source>Add frames to the click record</source>
      <translation>Añadir marcos al registro de clics</translation>
    </message>
    <message>
      <source>Add frames…</source>
      <translation>Añadir marcos…</translation>
    </message>
    <message>
      <source>Add raster layers of the project as frames</source>
      <translation>Añadir capas ráster del proyecto como marcos</translation>
    </message>
    <message numerus="yes">
      <source>Added %n clicks</source>
      <translation>
        <numerusform>%n clic añadido</numerusform>
        <numerusform>%n clics añadidos</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Added {clicks} clicks, {retractions} retractions, {frames} frames; %n conflicts</source>
      <translation>
        <numerusform>Añadidos {clicks} clics, {retractions} retiradas, {frames} marcos; %n conflicto</numerusform>
        <numerusform>Añadidos {clicks} clics, {retractions} retiradas, {frames} marcos; %n conflictos</numerusform>
      </translation>
    </message>
    <message>
      <source>Adds another annotator's clicks, retractions, frames and classes to the workspace's click record. Nothing is deleted or overwritten: clicks are matched by their unique id, and disagreements (two classes on one pixel, a class id with another name, a frame with other pixels) are reported as conflicts for the experts to settle by retracting. The workspace's GeoPackage is modified.</source>
      <translation>Añade los clics, las retiradas, los marcos y las clases de otro anotador al registro de clics del espacio de trabajo. Nada se borra ni se sobrescribe: los clics se emparejan por su id único, y los desacuerdos (dos clases en un píxel, un id de clase con otro nombre, un marco con otros píxeles) se notifican como conflictos para que los expertos los resuelvan retirando clics. Se modifica el GeoPackage del espacio de trabajo.</translation>
    </message>
    <message>
      <source>Adds each point of a point layer as a click of the workspace's current iteration, on the pixel of the first frame that contains it (any CRS). The class field holds class ids or class names. Every point is checked first: a point outside every frame, on nodata, of an unknown class, over the budget of one click per class per frame per iteration, or on a pixel that already has a click (duplicate, or conflict when the class differs) is refused and listed, and then nothing is imported unless 'Import the accepted points anyway' is ticked. Each click's note names the file and feature id it came from.</source>
      <translation>Añade cada punto de una capa de puntos como un clic de la iteración actual del espacio de trabajo, en el píxel del primer marco que lo contiene (cualquier SRC). El campo de clase contiene ids o nombres de clase. Cada punto se comprueba antes: un punto fuera de todos los marcos, sobre sin datos, de una clase desconocida, por encima del cupo de un clic por clase por marco por iteración, o sobre un píxel que ya tiene un clic (duplicado, o conflicto cuando la clase difiere) se rechaza y se lista, y entonces no se importa nada salvo que 'Importar de todos modos los puntos aceptados' esté marcado. La nota de cada clic indica el archivo y el id de la entidad de los que procede.</translation>
    </message>
    <message>
      <source>Allocation</source>
      <translation>Asignación</translation>
    </message>
    <message>
      <source>Allow more than one click per class, frame and iteration</source>
      <translation>Permitir más de un clic por clase, marco e iteración</translation>
    </message>
    <message>
      <source>Allow more than the method's budget</source>
      <translation>Permitir más que el cupo del método</translation>
    </message>
    <message>
      <source>Allow rasters unlike the training frames</source>
      <translation>Permitir rásteres distintos de los marcos de entrenamiento</translation>
    </message>
    <message>
      <source>Also keep the predicted class raster here (optional).</source>
      <translation>Guardar también aquí el ráster de clases predicho (opcional).</translation>
    </message>
    <message>
      <source>Also write Cloud-Optimized GeoTIFFs</source>
      <translation>Escribir también GeoTIFF optimizados para la nube (COG)</translation>
    </message>
    <message>
      <source>An NVIDIA GPU was found ({gpu}): choose cuda to train on it.</source>
      <translation>Se encontró una GPU NVIDIA ({gpu}): elija cuda para entrenar en ella.</translation>
    </message>
    <message>
      <source>An engine run is in progress; wait for it or cancel it.</source>
      <translation>Hay una ejecución del motor en curso; espere a que termine o cancélela.</translation>
    </message>
    <message>
      <source>An engine run is in progress; wait for it.</source>
      <translation>Hay una ejecución del motor en curso; espere a que termine.</translation>
    </message>
    <message>
      <source>An iSAGE model (models/iteration_NNN.safetensors of a workspace, written by 'Train model').</source>
      <translation>Un modelo de iSAGE (models/iteration_NNN.safetensors de un espacio de trabajo, escrito por 'Entrenar el modelo').</translation>
    </message>
    <message>
      <source>Annotator</source>
      <translation>Anotador</translation>
    </message>
    <message>
      <source>Annotator field</source>
      <translation>Campo del anotador</translation>
    </message>
    <message>
      <source>Anticipated standard error of overall accuracy</source>
      <translation>Error estándar previsto de la exactitud global</translation>
    </message>
    <message>
      <source>Anticipated user's accuracy</source>
      <translation>Exactitud del usuario prevista</translation>
    </message>
    <message>
      <source>Area</source>
      <translation>Área</translation>
    </message>
    <message>
      <source>Area of interest</source>
      <translation>Área de interés</translation>
    </message>
    <message>
      <source>Assess map</source>
      <translation>Evaluar el mapa</translation>
    </message>
    <message>
      <source>Batch size</source>
      <translation>Tamaño del lote</translation>
    </message>
    <message>
      <source>Benchmark click strategies</source>
      <translation>Comparar estrategias de clic (benchmark)</translation>
    </message>
    <message>
      <source>Benchmark folder</source>
      <translation>Carpeta del benchmark</translation>
    </message>
    <message>
      <source>Benchmark report: {path}</source>
      <translation>Informe del benchmark: {path}</translation>
    </message>
    <message>
      <source>Besides the VRTs, one tiled, compressed GeoTIFF with overviews per output.</source>
      <translation>Además de los VRT, un GeoTIFF en teselas, comprimido y con pirámides por salida.</translation>
    </message>
    <message>
      <source>Browse…</source>
      <translation>Examinar…</translation>
    </message>
    <message>
      <source>CRS</source>
      <translation>SRC</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Cancelar</translation>
    </message>
    <message>
      <source>Cancel environment creation</source>
      <translation>Cancelar la creación del entorno</translation>
    </message>
    <message>
      <source>Cannot open the click record</source>
      <translation>No se puede abrir el registro de clics</translation>
    </message>
    <message>
      <source>Cannot undo: {reason}</source>
      <translation>No se puede deshacer: {reason}</translation>
    </message>
    <message>
      <source>Check engine</source>
      <translation>Comprobar el motor</translation>
    </message>
    <message>
      <source>Checking the engine (importing torch)…</source>
      <translation>Comprobando el motor (importando torch)…</translation>
    </message>
    <message>
      <source>Checkpoint of each round</source>
      <translation>Punto de control de cada ronda</translation>
    </message>
    <message>
      <source>Choose a folder holding the missing frame files (found by content)</source>
      <translation>Elija una carpeta que contenga los archivos de marco que faltan (se encuentran por su contenido)</translation>
    </message>
    <message>
      <source>Class</source>
      <translation>Clase</translation>
    </message>
    <message>
      <source>Class field</source>
      <translation>Campo de clase</translation>
    </message>
    <message>
      <source>Class field holds</source>
      <translation>El campo de clase contiene</translation>
    </message>
    <message>
      <source>Class ids of the truth on the same pixel grid as the raster (e.g. a dense mask).</source>
      <translation>Ids de clase de la verdad en la misma malla de píxeles que el ráster (por ejemplo, una máscara densa).</translation>
    </message>
    <message>
      <source>Class raster</source>
      <translation>Ráster de clases</translation>
    </message>
    <message>
      <source>Class {name}: {pixels} pixels, weight {weight:.3f}, {sample} sample points</source>
      <translation>Clase {name}: {pixels} píxeles, peso {weight:.3f}, {sample} puntos de muestra</translation>
    </message>
    <message>
      <source>Classes</source>
      <translation>Clases</translation>
    </message>
    <message>
      <source>Classes absent from the map (no stratum, no point): {ids}</source>
      <translation>Clases ausentes del mapa (sin estrato, sin punto): {ids}</translation>
    </message>
    <message>
      <source>Click not recorded: pixel (row {row}, col {col}) of frame '{frame}' is a point of the accuracy assessment sample, which must stay independent of training; click a neighbouring pixel.</source>
      <translation>Clic no registrado: el píxel (fila {row}, columna {col}) del marco '{frame}' es un punto de la muestra de evaluación de la exactitud, que debe mantenerse independiente del entrenamiento; haga clic en un píxel vecino.</translation>
    </message>
    <message>
      <source>Click not recorded: {reason}</source>
      <translation>Clic no registrado: {reason}</translation>
    </message>
    <message>
      <source>Click record</source>
      <translation>Registro de clics</translation>
    </message>
    <message>
      <source>Click {fid} is someone else's: nothing retracted without a reason.</source>
      <translation>El clic {fid} es de otra persona: no se retiró nada sin un motivo.</translation>
    </message>
    <message>
      <source>Click {fid} retracted (it stays in the record, marked retracted).</source>
      <translation>Clic {fid} retirado (permanece en el registro, marcado como retirado).</translation>
    </message>
    <message>
      <source>Click {fid}: class {class_id} on frame '{frame}', row {row}, col {col}.</source>
      <translation>Clic {fid}: clase {class_id} en el marco '{frame}', fila {row}, columna {col}.</translation>
    </message>
    <message>
      <source>Clicks</source>
      <translation>Clics</translation>
    </message>
    <message>
      <source>Clicks added</source>
      <translation>Clics añadidos</translation>
    </message>
    <message>
      <source>Clicks still predicted wrong</source>
      <translation>Clics aún mal predichos</translation>
    </message>
    <message>
      <source>Clicks the model still gets wrong:</source>
      <translation>Clics que el modelo aún predice mal:</translation>
    </message>
    <message>
      <source>Clicks used</source>
      <translation>Clics usados</translation>
    </message>
    <message>
      <source>Client certificate</source>
      <translation>Certificado del cliente</translation>
    </message>
    <message>
      <source>Client private key</source>
      <translation>Clave privada del cliente</translation>
    </message>
    <message>
      <source>Clip the gradient norm to this; 0: no clipping.</source>
      <translation>Limitar la norma del gradiente a este valor; 0: sin límite.</translation>
    </message>
    <message>
      <source>Colour</source>
      <translation>Color</translation>
    </message>
    <message>
      <source>Comma list of proposed (label what the engine proposes), expert-confident, expert-interior, expert-random, expert-ritm, expert-depth, hybrid-K (K representative rounds, then expert-depth), random, representative, entropy, pseudo-T (T a confidence threshold, e.g. pseudo-0.95), superpixel and dense.</source>
      <translation>Lista separada por comas de proposed (etiquetar lo que propone el motor), expert-confident, expert-interior, expert-random, expert-ritm, expert-depth, hybrid-K (K rondas representativas, luego expert-depth), random, representative, entropy, pseudo-T (T un umbral de confianza, p. ej. pseudo-0.95), superpixel y dense.</translation>
    </message>
    <message>
      <source>Comma list of seeds (seed clicks, pickers and training); several give the mean and spread.</source>
      <translation>Lista separada por comas de semillas (clics iniciales, selectores y entrenamiento); varias dan la media y la dispersión.</translation>
    </message>
    <message>
      <source>Compares a predicted class raster with a reference class raster of the same grid and writes the scores as JSON: IoU per class, mIoU over the classes present in either raster, overall accuracy and the confusion matrix. The class names come from the model file or the workspace (give one of them); with a workspace, the number of clicks is reported too. Nodata (255) is not counted.</source>
      <translation>Compara un ráster de clases predicho con un ráster de clases de referencia de la misma malla y escribe las métricas en JSON: IoU por clase, mIoU sobre las clases presentes en cualquiera de los rásteres, exactitud global y la matriz de confusión. Los nombres de las clases vienen del archivo del modelo o del espacio de trabajo (indique uno de ellos); con un espacio de trabajo también se informa el número de clics. Sin datos (255) no se cuenta.</translation>
    </message>
    <message>
      <source>Compute device</source>
      <translation>Dispositivo de cálculo</translation>
    </message>
    <message>
      <source>Confidence heatmap</source>
      <translation>Mapa de calor de la confianza</translation>
    </message>
    <message>
      <source>Confident-error heatmap</source>
      <translation>Mapa de calor de los errores confiados</translation>
    </message>
    <message>
      <source>Conflicts</source>
      <translation>Conflictos</translation>
    </message>
    <message>
      <source>Connection</source>
      <translation>Conexión</translation>
    </message>
    <message>
      <source>Create a workspace: folder, classes, frames</source>
      <translation>Crear un espacio de trabajo: carpeta, clases, marcos</translation>
    </message>
    <message>
      <source>Create accuracy assessment design</source>
      <translation>Crear un diseño de evaluación de la exactitud</translation>
    </message>
    <message>
      <source>Create engine environment</source>
      <translation>Crear el entorno del motor</translation>
    </message>
    <message>
      <source>Create the record in this schema (the database's administrator)</source>
      <translation>Crear el registro en este esquema (quien administra la base de datos)</translation>
    </message>
    <message>
      <source>Created by</source>
      <translation>Creado por</translation>
    </message>
    <message>
      <source>Dask scheduler</source>
      <translation>Planificador Dask</translation>
    </message>
    <message>
      <source>Dataset folder</source>
      <translation>Carpeta del conjunto de datos</translation>
    </message>
    <message>
      <source>Decoder channels</source>
      <translation>Canales del decodificador</translation>
    </message>
    <message>
      <source>Design id</source>
      <translation>Id del diseño</translation>
    </message>
    <message>
      <source>Design {design} of iteration {iteration} over the visible extent: {size} sample points; anticipated standard error of the overall accuracy {se:.3f}.</source>
      <translation>Diseño {design} de la iteración {iteration} sobre la extensión visible: {size} puntos de muestra; error estándar previsto de la exactitud global {se:.3f}.</translation>
    </message>
    <message>
      <source>Design {design} of iteration {iteration}: {size} sample points; anticipated standard error of the overall accuracy {se:.3f}.</source>
      <translation>Diseño {design} de la iteración {iteration}: {size} puntos de muestra; error estándar previsto de la exactitud global {se:.3f}.</translation>
    </message>
    <message>
      <source>Device</source>
      <translation>Dispositivo</translation>
    </message>
    <message>
      <source>Distance kept from clicks, nodata and other proposals.</source>
      <translation>Distancia que se mantiene de los clics, de las zonas sin datos y de otras propuestas.</translation>
    </message>
    <message>
      <source>Download</source>
      <translation>Descarga</translation>
    </message>
    <message>
      <source>Draw the extent on the map, or take the map's or a layer's, with the button at its right</source>
      <translation>Dibuje la extensión en el mapa, o use la del mapa o la de una capa, con el botón a su derecha</translation>
    </message>
    <message>
      <source>Draws a stratified random sample of pixels from an iteration's map, for an independent accuracy assessment (Olofsson et al. 2014): the strata are the map's classes, the points are numbered in a random order and written into the workspace's click record, where neither training nor proposals ever use them (a training click on a sample pixel is refused). Label the points blindly, without looking at the map: 'Assess map' in the iSAGE panel steps through them, or export them with 'isage assess points'. Then 'Accuracy assessment report' estimates overall, user's and producer's accuracy and class areas with 95% confidence intervals. The sample size is given, or follows from the standard error of overall accuracy it should reach with the anticipated user's accuracies.</source>
      <translation>Extrae una muestra aleatoria estratificada de píxeles del mapa de una iteración, para una evaluación de la exactitud independiente (Olofsson et al. 2014): los estratos son las clases del mapa, los puntos se numeran en orden aleatorio y se escriben en el registro de clics del espacio de trabajo, donde ni el entrenamiento ni las propuestas los usan nunca (un clic de entrenamiento en un píxel de la muestra se rechaza). Etiquete los puntos a ciegas, sin mirar el mapa: 'Evaluar el mapa' en el panel de iSAGE los recorre, o expórtelos con 'isage assess points'. Después, 'Informe de evaluación de la exactitud' estima la exactitud global, del usuario y del productor y las áreas de las clases con intervalos de confianza del 95%. El tamaño de la muestra se indica, o se deduce del error estándar de la exactitud global que debe alcanzar con las exactitudes del usuario previstas.</translation>
    </message>
    <message>
      <source>Each class gets points in proportion to its mapped area: the most precise overall accuracy, but a rare class may get too few points to estimate its accuracy.</source>
      <translation>Cada clase recibe puntos en proporción a su área cartografiada: la exactitud global más precisa, pero una clase rara puede recibir demasiado pocos puntos para estimar su exactitud.</translation>
    </message>
    <message>
      <source>Edit class…</source>
      <translation>Editar clase…</translation>
    </message>
    <message>
      <source>Empty: the workspace frames' pixel size when their CRS is in metres.</source>
      <translation>Vacío: el tamaño de píxel de los marcos del espacio de trabajo cuando su SRC está en metros.</translation>
    </message>
    <message>
      <source>Encoder</source>
      <translation>Codificador</translation>
    </message>
    <message>
      <source>Encoder weights</source>
      <translation>Pesos del codificador</translation>
    </message>
    <message>
      <source>Engine</source>
      <translation>Motor</translation>
    </message>
    <message>
      <source>Engine Python</source>
      <translation>Python del motor</translation>
    </message>
    <message>
      <source>Engine Python (python or python.exe of the isage environment)</source>
      <translation>Python del motor (python o python.exe del entorno isage)</translation>
    </message>
    <message>
      <source>Engine Python: {python}</source>
      <translation>Python del motor: {python}</translation>
    </message>
    <message>
      <source>Engine not usable: {reason}</source>
      <translation>Motor no utilizable: {reason}</translation>
    </message>
    <message>
      <source>Environment folder: {folder}</source>
      <translation>Carpeta del entorno: {folder}</translation>
    </message>
    <message>
      <source>Epoch schedule instead of steps (one patch per click per epoch; for GPUs). Empty or 0: use steps.</source>
      <translation>Programa en épocas en lugar de pasos (un recorte por clic por época; para GPU). Vacío o 0: usar pasos.</translation>
    </message>
    <message>
      <source>Epochs (instead of steps)</source>
      <translation>Épocas (en lugar de pasos)</translation>
    </message>
    <message>
      <source>Epochs as the method's authors count them: one patch per frame with clicks per epoch, so a round's steps grow with the frames clicked. Empty or 0: use steps.</source>
      <translation>Épocas tal como las cuentan los autores del método: un recorte por marco con clics por época, de modo que los pasos de una ronda crecen con los marcos con clics. Vacío o 0: usar pasos.</translation>
    </message>
    <message>
      <source>Equal for every class</source>
      <translation>Igual para todas las clases</translation>
    </message>
    <message>
      <source>Error matrix (CSV)</source>
      <translation>Matriz de error (CSV)</translation>
    </message>
    <message>
      <source>Error weight (lambda)</source>
      <translation>Peso del error (lambda)</translation>
    </message>
    <message>
      <source>Estimate from the points labelled so far; without it, unlabelled points stop the report.</source>
      <translation>Estimar a partir de los puntos etiquetados hasta ahora; sin esto, los puntos sin etiquetar detienen el informe.</translation>
    </message>
    <message>
      <source>Estimate the map's accuracy from the labels given so far</source>
      <translation>Estimar la exactitud del mapa a partir de las etiquetas dadas hasta ahora</translation>
    </message>
    <message>
      <source>Estimated from {count} sample points labelled with a class ({unsure} marked unsure are left out).</source>
      <translation>Estimado a partir de {count} puntos de muestra etiquetados con una clase (se excluyen {unsure} marcados como dudosos).</translation>
    </message>
    <message>
      <source>Estimates the accuracy of the map from the labelled points of an accuracy assessment design (Olofsson et al. 2014, stratified estimators): overall accuracy, user's and producer's accuracy per class, and each class's area, each with its standard error and 95% confidence interval, for the reported iteration, and the overall accuracy of every iteration's map on the same sample. Writes JSON, CSV, Markdown and HTML files and a plot to the report folder. Every point must be labelled unless 'Partial' is ticked (the figures then rest on the points labelled so far).</source>
      <translation>Estima la exactitud del mapa a partir de los puntos etiquetados de un diseño de evaluación de la exactitud (Olofsson et al. 2014, estimadores estratificados): exactitud global, exactitud del usuario y del productor por clase y el área de cada clase, cada una con su error estándar e intervalo de confianza del 95%, para la iteración informada, y la exactitud global del mapa de cada iteración sobre la misma muestra. Escribe archivos JSON, CSV, Markdown y HTML y un gráfico en la carpeta del informe. Todos los puntos deben estar etiquetados salvo que 'Parcial' esté marcado (las cifras se basan entonces en los puntos etiquetados hasta ahora).</translation>
    </message>
    <message>
      <source>Evaluate a prediction</source>
      <translation>Evaluar una predicción</translation>
    </message>
    <message>
      <source>Evaluation</source>
      <translation>Evaluación</translation>
    </message>
    <message>
      <source>Every class gets the same number of points: the best for comparing classes, but the overall accuracy and areas are less precise.</source>
      <translation>Todas las clases reciben el mismo número de puntos: lo mejor para comparar clases, pero la exactitud global y las áreas son menos precisas.</translation>
    </message>
    <message>
      <source>Every sample point is labelled; the report follows.</source>
      <translation>Todos los puntos de muestra están etiquetados; sigue el informe.</translation>
    </message>
    <message>
      <source>Export model for Deepness (ONNX)</source>
      <translation>Exportar el modelo para Deepness (ONNX)</translation>
    </message>
    <message>
      <source>Extent</source>
      <translation>Extensión</translation>
    </message>
    <message>
      <source>Extent drawn on the map, typed or from a layer</source>
      <translation>Extensión dibujada en el mapa, escrita o de una capa</translation>
    </message>
    <message>
      <source>Features of a polygon layer: one frame each</source>
      <translation>Entidades de una capa de polígonos: un marco por cada una</translation>
    </message>
    <message>
      <source>Final loss</source>
      <translation>Pérdida final</translation>
    </message>
    <message>
      <source>Folder</source>
      <translation>Carpeta</translation>
    </message>
    <message>
      <source>Folder holding the missing frames</source>
      <translation>Carpeta que contiene los marcos que faltan</translation>
    </message>
    <message>
      <source>For a tls:// scheduler (PEM files; the default is the iSAGE settings' file): without the three, a scheduler is reached over plain TCP, which whoever reaches it can run code on.</source>
      <translation>Para un planificador tls:// (archivos PEM; por defecto, el archivo de la configuración de iSAGE): sin los tres, el planificador se alcanza por TCP sin cifrar, en el que cualquiera que lo alcance puede ejecutar código.</translation>
    </message>
    <message>
      <source>For a tls:// scheduler: the CA certificate that signed the scheduler's certificate, and this computer's certificate and private key (PEM files, as Dask's security settings take them). Without them only a plain tcp:// scheduler is reached, which whoever reaches it can run code on.</source>
      <translation>Para un planificador tls://: el certificado de la CA que firmó el certificado del planificador, y el certificado y la clave privada de este equipo (archivos PEM, como los toma la configuración de seguridad de Dask). Sin ellos solo se alcanza un planificador tcp:// sin cifrar, en el que cualquiera que lo alcance puede ejecutar código.</translation>
    </message>
    <message>
      <source>Frame epochs (instead of steps)</source>
      <translation>Épocas por marco (en lugar de pasos)</translation>
    </message>
    <message>
      <source>Frame name</source>
      <translation>Nombre del marco</translation>
    </message>
    <message>
      <source>Frames</source>
      <translation>Marcos</translation>
    </message>
    <message>
      <source>Frames ({count}): {names}</source>
      <translation>Marcos ({count}): {names}</translation>
    </message>
    <message>
      <source>Frames not found</source>
      <translation>Marcos no encontrados</translation>
    </message>
    <message>
      <source>GPU (CUDA) detected: {gpu}; device used: {device}</source>
      <translation>GPU (CUDA) detectada: {gpu}; dispositivo usado: {device}</translation>
    </message>
    <message>
      <source>GeoPackage (*.gpkg)</source>
      <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
      <source>Give the model file or the workspace, so the classes are known</source>
      <translation>Indique el archivo del modelo o el espacio de trabajo, para conocer las clases</translation>
    </message>
    <message>
      <source>Give the workspace or the model file to export</source>
      <translation>Indique el espacio de trabajo o el archivo del modelo que exportar</translation>
    </message>
    <message>
      <source>Gradient clip</source>
      <translation>Recorte del gradiente</translation>
    </message>
    <message>
      <source>Ground resolution</source>
      <translation>Resolución en el terreno</translation>
    </message>
    <message>
      <source>How Assess map draws a new sample of pixels to label; a sample already drawn is kept.</source>
      <translation>Cómo 'Evaluar el mapa' extrae una nueva muestra de píxeles que etiquetar; una muestra ya extraída se conserva.</translation>
    </message>
    <message>
      <source>How many points in all (empty or 0: as many as the target standard error needs).</source>
      <translation>Cuántos puntos en total (vacío o 0: tantos como requiera el error estándar objetivo).</translation>
    </message>
    <message>
      <source>How many points per class the model predicts on a frame. More than one leaves room for proposals whose class turns out to be clicked already on that frame this round (the budget allows one click per class per frame per round; the panel skips those).</source>
      <translation>Cuántos puntos por clase predice el modelo en un marco. Más de uno deja margen para propuestas cuya clase ya tiene un clic en ese marco en esta ronda (el cupo permite un clic por clase por marco por ronda; el panel las salta).</translation>
    </message>
    <message>
      <source>How many points per frame (empty or 0: the proposals per class times the classes present).</source>
      <translation>Cuántos puntos por marco (vacío o 0: las propuestas por clase por las clases presentes).</translation>
    </message>
    <message>
      <source>How the points are shared among the classes: minimum (proportional to the mapped area, but at least the minimum per class), proportional, or equal.</source>
      <translation>Cómo se reparten los puntos entre las clases: mínimo (proporcional al área cartografiada, pero al menos el mínimo por clase), proporcional o igual.</translation>
    </message>
    <message>
      <source>How the sample points are shared among the classes of the map (its strata).</source>
      <translation>Cómo se reparten los puntos de muestra entre las clases del mapa (sus estratos).</translation>
    </message>
    <message>
      <source>INPUT: not a readable point layer</source>
      <translation>INPUT: no es una capa de puntos legible</translation>
    </message>
    <message>
      <source>Import point layer as clicks</source>
      <translation>Importar capa de puntos como clics</translation>
    </message>
    <message>
      <source>Import points…</source>
      <translation>Importar puntos…</translation>
    </message>
    <message>
      <source>Import the accepted points anyway</source>
      <translation>Importar de todos modos los puntos aceptados</translation>
    </message>
    <message>
      <source>Import the points that pass even when others are refused (each refusal is still listed).</source>
      <translation>Importar los puntos que pasan aunque otros se rechacen (cada rechazo sigue listado).</translation>
    </message>
    <message>
      <source>In proportion to the mapped area, but every class gets at least the minimum below, so that rare classes can be estimated too (adds points when classes are rare).</source>
      <translation>En proporción al área cartografiada, pero cada clase recibe al menos el mínimo de abajo, para que también se puedan estimar las clases raras (añade puntos cuando hay clases raras).</translation>
    </message>
    <message>
      <source>Initial encoder weights of a new model: auto (offline ImageNet weights when packaged, else downloaded, else random), offline, imagenet or none (random).</source>
      <translation>Pesos iniciales del codificador de un modelo nuevo: auto (pesos ImageNet sin conexión si vienen en el paquete, si no descargados, si no aleatorios), offline, imagenet o none (aleatorios).</translation>
    </message>
    <message>
      <source>Iteration</source>
      <translation>Iteración</translation>
    </message>
    <message>
      <source>Iteration of the map</source>
      <translation>Iteración del mapa</translation>
    </message>
    <message>
      <source>Iteration reported in full</source>
      <translation>Iteración informada por completo</translation>
    </message>
    <message>
      <source>Iteration {iteration}: new clicks train model {iteration}</source>
      <translation>Iteración {iteration}: los nuevos clics entrenan el modelo {iteration}</translation>
    </message>
    <message>
      <source>Iteration {iteration}: overall accuracy {figure}</source>
      <translation>Iteración {iteration}: exactitud global {figure}</translation>
    </message>
    <message>
      <source>JSON files (*.json)</source>
      <translation>Archivos JSON (*.json)</translation>
    </message>
    <message>
      <source>Keep every result already in the output folder (same settings) and run only what is missing.</source>
      <translation>Conservar todos los resultados que ya están en la carpeta de salida (misma configuración) y ejecutar solo lo que falta.</translation>
    </message>
    <message>
      <source>Keep the parts an identical earlier run into this folder finished (same model, raster and settings; anything else is refused).</source>
      <translation>Conservar las partes que una ejecución anterior idéntica terminó en esta carpeta (mismo modelo, ráster y configuración; cualquier otra cosa se rechaza).</translation>
    </message>
    <message>
      <source>Key</source>
      <translation>Tecla</translation>
    </message>
    <message>
      <source>Label a random sample of pixels without seeing the map (it is hidden meanwhile). The first time, the sample is drawn from the latest map, over the whole frames or the visible extent as chosen under Model, with the sample design of the iSAGE settings.</source>
      <translation>Etiquete una muestra aleatoria de píxeles sin ver el mapa (queda oculto mientras tanto). La primera vez, la muestra se extrae del mapa más reciente, sobre los marcos completos o la extensión visible según lo elegido en Modelo, con el diseño muestral de la configuración de iSAGE.</translation>
    </message>
    <message>
      <source>Label of sample point {n} retracted (it stays in the record); label it again.</source>
      <translation>Etiqueta del punto de muestra {n} retirada (permanece en el registro); vuelva a etiquetarlo.</translation>
    </message>
    <message>
      <source>Lambda of the Error-Weighted Dice Loss: how much more a clicked pixel the model gets wrong counts than one it gets right (1: plain Dice).</source>
      <translation>Lambda de la Error-Weighted Dice Loss: cuánto más cuenta un píxel con clic que el modelo predice mal que uno que predice bien (1: Dice simple).</translation>
    </message>
    <message>
      <source>Last run: {summary}</source>
      <translation>Última ejecución: {summary}</translation>
    </message>
    <message>
      <source>Learning rate</source>
      <translation>Tasa de aprendizaje</translation>
    </message>
    <message>
      <source>Learning-rate schedule</source>
      <translation>Programa de la tasa de aprendizaje</translation>
    </message>
    <message>
      <source>Leave this point for later; it comes back after the others</source>
      <translation>Dejar este punto para más tarde; vuelve después de los demás</translation>
    </message>
    <message>
      <source>Left click: add a click of the chosen class; right click: retract; keys 1-9: class (and label the proposal or sample point shown); N: next proposal (or skip the sample point); U: sample point unsure; Ctrl+Z: undo</source>
      <translation>Clic izquierdo: añadir un clic de la clase elegida; clic derecho: retirar; teclas 1-9: clase (y etiquetar la propuesta o el punto de muestra mostrado); N: siguiente propuesta (o saltar el punto de muestra); U: punto de muestra dudoso; Ctrl+Z: deshacer</translation>
    </message>
    <message>
      <source>Let several points of one class into one frame in this iteration.</source>
      <translation>Permitir varios puntos de una clase en un marco en esta iteración.</translation>
    </message>
    <message>
      <source>Live training failed: {reason}</source>
      <translation>El entrenamiento en tiempo real falló: {reason}</translation>
    </message>
    <message>
      <source>Live training is off: {reason}</source>
      <translation>El entrenamiento en tiempo real está desactivado: {reason}</translation>
    </message>
    <message numerus="yes">
      <source>Live training of iteration {iteration} rests after {steps} steps, not every one of its %n click(s) fitting; a new click resumes it.</source>
      <translation>
        <numerusform>El entrenamiento en tiempo real de la iteración {iteration} está en reposo tras {steps} pasos, sin que su %n clic se ajuste; un nuevo clic lo reanuda.</numerusform>
        <numerusform>El entrenamiento en tiempo real de la iteración {iteration} está en reposo tras {steps} pasos, sin que todos sus %n clics se ajusten; un nuevo clic lo reanuda.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Live training of iteration {iteration} rests: its %n click(s) fit; a new click resumes it.</source>
      <translation>
        <numerusform>El entrenamiento en tiempo real de la iteración {iteration} está en reposo: su %n clic se ajusta; un nuevo clic lo reanuda.</numerusform>
        <numerusform>El entrenamiento en tiempo real de la iteración {iteration} está en reposo: sus %n clics se ajustan; un nuevo clic lo reanuda.</numerusform>
      </translation>
    </message>
    <message>
      <source>Live training of iteration {iteration} waits for its first click.</source>
      <translation>El entrenamiento en tiempo real de la iteración {iteration} espera su primer clic.</translation>
    </message>
    <message numerus="yes">
      <source>Live training of iteration {iteration}: {steps} steps on %n click(s).</source>
      <translation>
        <numerusform>Entrenamiento en tiempo real de la iteración {iteration}: {steps} pasos sobre %n clic.</numerusform>
        <numerusform>Entrenamiento en tiempo real de la iteración {iteration}: {steps} pasos sobre %n clics.</numerusform>
      </translation>
    </message>
    <message>
      <source>Live training pauses while the engine runs a command.</source>
      <translation>El entrenamiento en tiempo real se pausa mientras el motor ejecuta un comando.</translation>
    </message>
    <message>
      <source>Live training waits: {reason}</source>
      <translation>El entrenamiento en tiempo real espera: {reason}</translation>
    </message>
    <message>
      <source>Local workers</source>
      <translation>Trabajadores locales</translation>
    </message>
    <message>
      <source>Map accuracy</source>
      <translation>Exactitud del mapa</translation>
    </message>
    <message>
      <source>Map accuracy of iteration {iteration} (overall accuracy): {figure}</source>
      <translation>Exactitud del mapa de la iteración {iteration} (exactitud global): {figure}</translation>
    </message>
    <message>
      <source>Matches this plugin ({version}); training works.</source>
      <translation>Coincide con este complemento ({version}); el entrenamiento funciona.</translation>
    </message>
    <message>
      <source>Merge click records</source>
      <translation>Fusionar registros de clics</translation>
    </message>
    <message>
      <source>Merge report</source>
      <translation>Informe de la fusión</translation>
    </message>
    <message>
      <source>Methods</source>
      <translation>Métodos</translation>
    </message>
    <message>
      <source>Minimum area (pixels)</source>
      <translation>Área mínima (píxeles)</translation>
    </message>
    <message>
      <source>Minimum points per class</source>
      <translation>Mínimo de puntos por clase</translation>
    </message>
    <message>
      <source>Model</source>
      <translation>Modelo</translation>
    </message>
    <message>
      <source>Model file</source>
      <translation>Archivo del modelo</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Nombre</translation>
    </message>
    <message>
      <source>New iSAGE workspace</source>
      <translation>Nuevo espacio de trabajo de iSAGE</translation>
    </message>
    <message>
      <source>New…</source>
      <translation>Nuevo…</translation>
    </message>
    <message>
      <source>Next proposal</source>
      <translation>Siguiente propuesta</translation>
    </message>
    <message>
      <source>No PostGIS connection in QGIS yet: add one in the Browser (PostgreSQL).</source>
      <translation>Todavía no hay ninguna conexión PostGIS en QGIS: añada una en el Explorador (PostgreSQL).</translation>
    </message>
    <message>
      <source>No Python {need} or newer was found besides QGIS's own{old}: install Python 3.12 from python.org (with the py launcher), then press Create engine environment</source>
      <translation>No se encontró ningún Python {need} o más reciente aparte del propio Python de QGIS{old}: instale Python 3.12 desde python.org (con el lanzador py) y luego haga clic en Crear el entorno del motor</translation>
    </message>
    <message>
      <source>No Python {need} or newer was found besides QGIS's own{old}: install Python 3.12 from python.org or Homebrew (brew install python@3.12), then press Create engine environment</source>
      <translation>No se encontró ningún Python {need} o más reciente aparte del propio Python de QGIS{old}: instale Python 3.12 desde python.org o con Homebrew (brew install python@3.12) y luego haga clic en Crear el entorno del motor</translation>
    </message>
    <message>
      <source>No Python {need} or newer was found{old}: install python3 and python3-venv (Debian/Ubuntu: sudo apt install python3 python3-venv), then press Create engine environment</source>
      <translation>No se encontró ningún Python {need} o más reciente{old}: instale python3 y python3-venv (Debian/Ubuntu: sudo apt install python3 python3-venv) y luego haga clic en Crear el entorno del motor</translation>
    </message>
    <message>
      <source>No accuracy assessment design yet: press Assess map first.</source>
      <translation>Aún no hay diseño de evaluación de la exactitud: pulse primero Evaluar el mapa.</translation>
    </message>
    <message>
      <source>No accuracy assessment yet: Assess map draws a sample of pixels to label.</source>
      <translation>Aún no hay evaluación de la exactitud: Evaluar el mapa extrae una muestra de píxeles que etiquetar.</translation>
    </message>
    <message>
      <source>No area: choose a polygon layer with features (or select some).</source>
      <translation>Ninguna área: elija una capa de polígonos con entidades (o seleccione algunas).</translation>
    </message>
    <message>
      <source>No area: pan the map to the imagery or draw an extent.</source>
      <translation>Ninguna área: mueva el mapa hasta las imágenes o dibuje una extensión.</translation>
    </message>
    <message>
      <source>No class is chosen: pick one in the iSAGE panel (keys 1-9).</source>
      <translation>No se eligió ninguna clase: elija una en el panel de iSAGE (teclas 1-9).</translation>
    </message>
    <message>
      <source>No click here to retract.</source>
      <translation>No hay ningún clic aquí que retirar.</translation>
    </message>
    <message>
      <source>No click record is open.</source>
      <translation>No hay ningún registro de clics abierto.</translation>
    </message>
    <message>
      <source>No click record is open: open or create one in the iSAGE panel.</source>
      <translation>No hay ningún registro de clics abierto: abra o cree uno en el panel de iSAGE.</translation>
    </message>
    <message>
      <source>No click record open: create a workspace or open one.</source>
      <translation>Ningún registro de clics abierto: cree un espacio de trabajo o abra uno.</translation>
    </message>
    <message>
      <source>No frame layer of the click record is loaded: nothing recorded; add the record's frames to the map.</source>
      <translation>No está cargada ninguna capa de marco del registro de clics: no se registró nada; añada los marcos del registro al mapa.</translation>
    </message>
    <message>
      <source>No iSAGE engine Python was found</source>
      <translation>No se encontró ningún Python del motor de iSAGE</translation>
    </message>
    <message>
      <source>No label of this session to undo.</source>
      <translation>No hay ninguna etiqueta de esta sesión que deshacer.</translation>
    </message>
    <message>
      <source>No map accuracy yet: too few sample points labelled with a class (see below).</source>
      <translation>Aún no hay exactitud del mapa: demasiado pocos puntos de muestra etiquetados con una clase (vea abajo).</translation>
    </message>
    <message>
      <source>No model yet: train one first; the assessment samples its map.</source>
      <translation>Aún no hay modelo: entrene uno primero; la evaluación muestrea su mapa.</translation>
    </message>
    <message>
      <source>No proposals yet: Predict proposes where to click next.</source>
      <translation>Aún no hay propuestas: Predecir propone dónde hacer clic a continuación.</translation>
    </message>
    <message>
      <source>No proposals: the model left nothing worth a click (or every pixel is covered).</source>
      <translation>Ninguna propuesta: el modelo no dejó nada que merezca un clic (o todos los píxeles están cubiertos).</translation>
    </message>
    <message>
      <source>No sample point is labelled with a class yet: Assess map and label some.</source>
      <translation>Aún no hay ningún punto de muestra etiquetado con una clase: use Evaluar el mapa y etiquete algunos.</translation>
    </message>
    <message>
      <source>Not retracted: {reason}</source>
      <translation>No retirado: {reason}</translation>
    </message>
    <message>
      <source>Not usable: {problem}</source>
      <translation>No utilizable: {problem}</translation>
    </message>
    <message>
      <source>Nothing to undo.</source>
      <translation>Nada que deshacer.</translation>
    </message>
    <message>
      <source>Number of optimisation steps; empty or 0: the engine's schedule (120 for a new model, 60 when warm-starting, about a minute on a laptop CPU for the sample).</source>
      <translation>Número de pasos de optimización; vacío o 0: el programa del motor (120 para un modelo nuevo, 60 al partir del anterior, alrededor de un minuto en la CPU de un portátil para la muestra).</translation>
    </message>
    <message>
      <source>ONNX model</source>
      <translation>Modelo ONNX</translation>
    </message>
    <message>
      <source>ONNX models (*.onnx)</source>
      <translation>Modelos ONNX (*.onnx)</translation>
    </message>
    <message>
      <source>Offline wheels</source>
      <translation>Wheels sin conexión</translation>
    </message>
    <message>
      <source>One class per line: a name, then optionally a colour #rrggbb</source>
      <translation>Una clase por línea: un nombre y, opcionalmente, un color #rrggbb</translation>
    </message>
    <message>
      <source>One engine process stays up for the QGIS session and trains the current iteration in the background, at low priority, on the clicks as you make them; Train then only closes the iteration (saves the model, predicts, proposes).</source>
      <translation>Un proceso del motor permanece activo durante la sesión de QGIS y entrena la iteración actual en segundo plano, con baja prioridad, sobre los clics a medida que los hace; Entrenar entonces solo cierra la iteración (guarda el modelo, predice, propone).</translation>
    </message>
    <message>
      <source>Only predict the part of the raster inside this extent (any CRS: it is reprojected to the raster's). Empty: the whole raster.</source>
      <translation>Predecir solo la parte del ráster dentro de esta extensión (cualquier SRC: se reproyecta al del ráster). Vacío: el ráster completo.</translation>
    </message>
    <message>
      <source>Only sample inside these polygons (any CRS). Empty: the whole frames (or the extent).</source>
      <translation>Muestrear solo dentro de estos polígonos (cualquier SRC). Vacío: los marcos completos (o la extensión).</translation>
    </message>
    <message>
      <source>Only sample inside this extent (any CRS). Empty: the whole frames.</source>
      <translation>Muestrear solo dentro de esta extensión (cualquier SRC). Vacío: los marcos completos.</translation>
    </message>
    <message>
      <source>Only the record's administrator (isage_admin) adds classes and frames; {login} is not one.</source>
      <translation>Solo el administrador del registro (isage_admin) añade clases y marcos; {login} no lo es.</translation>
    </message>
    <message>
      <source>Open a team's click record in PostGIS</source>
      <translation>Abrir el registro de clics de un equipo en PostGIS</translation>
    </message>
    <message>
      <source>Open a team's click record in PostGIS through a QGIS connection</source>
      <translation>Abrir el registro de clics de un equipo en PostGIS mediante una conexión de QGIS</translation>
    </message>
    <message>
      <source>Open a workspace's clicks.gpkg</source>
      <translation>Abrir el clicks.gpkg de un espacio de trabajo</translation>
    </message>
    <message>
      <source>Open an iSAGE click record</source>
      <translation>Abrir un registro de clics de iSAGE</translation>
    </message>
    <message>
      <source>Open or create a click record first (or wait for the run to finish).</source>
      <translation>Abra o cree primero un registro de clics (o espere a que termine la ejecución).</translation>
    </message>
    <message>
      <source>Open or create a click record first.</source>
      <translation>Abra o cree primero un registro de clics.</translation>
    </message>
    <message>
      <source>Open report</source>
      <translation>Abrir el informe</translation>
    </message>
    <message>
      <source>Open…</source>
      <translation>Abrir…</translation>
    </message>
    <message>
      <source>Optimisation steps</source>
      <translation>Pasos de optimización</translation>
    </message>
    <message>
      <source>Optimisation steps of the first (cold) run; 'Optimisation steps' then sets the later runs. Empty or 0: the engine's schedule.</source>
      <translation>Pasos de optimización de la primera ejecución (en frío); 'Pasos de optimización' fija después las siguientes. Vacío o 0: el programa del motor.</translation>
    </message>
    <message>
      <source>Optional: the team's trainer account the engine records training runs and assessment designs with: a saved PostGIS connection (its login goes to the engine only) or service=NAME</source>
      <translation>Opcional: la cuenta de entrenador del equipo con la que el motor registra entrenamientos y diseños de evaluación: una conexión PostGIS guardada (su usuario solo llega al motor) o service=NOMBRE</translation>
    </message>
    <message>
      <source>Optionally write what was added and every conflict as JSON.</source>
      <translation>Opcionalmente, escribir en JSON lo que se añadió y cada conflicto.</translation>
    </message>
    <message>
      <source>Optionally, the field naming who placed each point.</source>
      <translation>Opcionalmente, el campo que indica quién colocó cada punto.</translation>
    </message>
    <message>
      <source>Or an imagery service layer (XYZ, WMTS, WMS); its area and zoom are asked next:</source>
      <translation>O una capa de un servicio de imágenes (XYZ, WMTS, WMS); su área y su zoom se piden a continuación:</translation>
    </message>
    <message>
      <source>Other click GeoPackage</source>
      <translation>Otro GeoPackage de clics</translation>
    </message>
    <message>
      <source>Output folder</source>
      <translation>Carpeta de salida</translation>
    </message>
    <message>
      <source>Outputs</source>
      <translation>Salidas</translation>
    </message>
    <message>
      <source>Outside every frame of the click record: nothing recorded; click on a frame layer of the record.</source>
      <translation>Fuera de todos los marcos del registro de clics: no se registró nada; haga clic en una capa de marco del registro.</translation>
    </message>
    <message>
      <source>Overall accuracy</source>
      <translation>Exactitud global</translation>
    </message>
    <message>
      <source>Overall accuracy (0-1)</source>
      <translation>Exactitud global (0-1)</translation>
    </message>
    <message>
      <source>Overall accuracy of iteration {iteration}: {estimate:.3f} (standard error {se:.3f}, 95% interval {low:.3f} to {high:.3f}), from {labelled} labelled points</source>
      <translation>Exactitud global de la iteración {iteration}: {estimate:.3f} (error estándar {se:.3f}, intervalo del 95% de {low:.3f} a {high:.3f}), a partir de {labelled} puntos etiquetados</translation>
    </message>
    <message>
      <source>Overall accuracy, 95% interval high</source>
      <translation>Exactitud global, límite superior del intervalo del 95%</translation>
    </message>
    <message>
      <source>Overall accuracy, 95% interval low</source>
      <translation>Exactitud global, límite inferior del intervalo del 95%</translation>
    </message>
    <message>
      <source>Overlap of neighbouring tiles, blended to hide seams; less than half the tile size.</source>
      <translation>Solapamiento de las teselas vecinas, fundido para ocultar las costuras; menos de la mitad del tamaño de tesela.</translation>
    </message>
    <message>
      <source>PEM files (*.pem *.crt *.key);;All files (*)</source>
      <translation>Archivos PEM (*.pem *.crt *.key);;Todos los archivos (*)</translation>
    </message>
    <message>
      <source>Pan to the next pixel the engine proposes (key N with the click tool); label it with a class key 1-9 or go on to skip it</source>
      <translation>Desplazarse al siguiente píxel que propone el motor (tecla N con la herramienta de clic); etiquételo con una tecla de clase 1-9 o siga para saltarlo</translation>
    </message>
    <message>
      <source>Part size (pixels)</source>
      <translation>Tamaño de la parte (píxeles)</translation>
    </message>
    <message>
      <source>Partial (not every point labelled)</source>
      <translation>Parcial (no todos los puntos etiquetados)</translation>
    </message>
    <message>
      <source>Partial: {unlabelled} of {points} sample points not labelled yet; these figures will change.</source>
      <translation>Parcial: {unlabelled} de {points} puntos de muestra aún sin etiquetar; estas cifras cambiarán.</translation>
    </message>
    <message>
      <source>Patch size (pixels)</source>
      <translation>Tamaño del recorte (píxeles)</translation>
    </message>
    <message>
      <source>Patches per optimisation step.</source>
      <translation>Recortes por paso de optimización.</translation>
    </message>
    <message>
      <source>Plot (PNG)</source>
      <translation>Gráfico (PNG)</translation>
    </message>
    <message>
      <source>Point layer</source>
      <translation>Capa de puntos</translation>
    </message>
    <message>
      <source>Points refused</source>
      <translation>Puntos rechazados</translation>
    </message>
    <message>
      <source>Polygons</source>
      <translation>Polígonos</translation>
    </message>
    <message>
      <source>Predict</source>
      <translation>Predecir</translation>
    </message>
    <message>
      <source>Predict a mosaic on a cluster</source>
      <translation>Predecir un mosaico en un clúster</translation>
    </message>
    <message>
      <source>Predict and Train then also run `isage propose`: up to one point per predicted class and frame, stepped through with 'Next proposal'. It costs about one more prediction pass.</source>
      <translation>Predecir y Entrenar ejecutan además `isage propose`: hasta un punto por clase predicha y marco, recorridos con 'Siguiente propuesta'. Cuesta aproximadamente una pasada de predicción más.</translation>
    </message>
    <message>
      <source>Predict classes</source>
      <translation>Predecir clases</translation>
    </message>
    <message>
      <source>Predict with the latest model</source>
      <translation>Predecir con el modelo más reciente</translation>
    </message>
    <message>
      <source>Predicted class raster</source>
      <translation>Ráster de clases predicho</translation>
    </message>
    <message>
      <source>Prediction backend</source>
      <translation>Backend de predicción</translation>
    </message>
    <message>
      <source>Prediction precision (OpenVINO)</source>
      <translation>Precisión numérica de la predicción (OpenVINO)</translation>
    </message>
    <message>
      <source>Predicts the raster with an iSAGE model and compares it with a reference class raster of the same grid: the heatmap is the model's confidence where its class differs from the reference and 0 where it agrees, so the brightest pixels are where it is confidently wrong, the clicks that teach it most. The reference's nodata (255) is ignored.</source>
      <translation>Predice el ráster con un modelo de iSAGE y lo compara con un ráster de clases de referencia de la misma malla: el mapa de calor es la confianza del modelo donde su clase difiere de la referencia y 0 donde coincide, de modo que los píxeles más brillantes son donde se equivoca con confianza, los clics que más le enseñan. Se ignora el valor sin datos de la referencia (255).</translation>
    </message>
    <message>
      <source>Press a class key (1-9) to label it, N for the next one.</source>
      <translation>Pulse una tecla de clase (1-9) para etiquetarla, N para la siguiente.</translation>
    </message>
    <message>
      <source>Press the key (1-9) of the class you see there, U if unsure, N to skip it for now.</source>
      <translation>Pulse la tecla (1-9) de la clase que ve ahí, U si tiene dudas, N para saltarlo por ahora.</translation>
    </message>
    <message>
      <source>Press “Check engine” to see which engine, torch and device are used.</source>
      <translation>Pulse “Comprobar el motor” para ver qué motor, torch y dispositivo se usan.</translation>
    </message>
    <message>
      <source>Proportional to the mapped area</source>
      <translation>Proporcional al área cartografiada</translation>
    </message>
    <message>
      <source>Proportional, with a minimum</source>
      <translation>Proporcional, con un mínimo</translation>
    </message>
    <message>
      <source>Proposals</source>
      <translation>Propuestas</translation>
    </message>
    <message>
      <source>Proposals per class present</source>
      <translation>Propuestas por clase presente</translation>
    </message>
    <message>
      <source>Proposals per frame</source>
      <translation>Propuestas por marco</translation>
    </message>
    <message>
      <source>Propose clicks</source>
      <translation>Proponer clics</translation>
    </message>
    <message>
      <source>Propose where to click next after each prediction</source>
      <translation>Proponer dónde hacer clic a continuación después de cada predicción</translation>
    </message>
    <message>
      <source>Proposes where the next clicks would help most, from the workspace's latest model and its frames alone (no reference): by default one point per class the model predicts on each frame. Each has a score and a reason: 'typical' (a common kind of pixel no click covers yet, proposed while a class has few clicks on the frame), 'changed' (the class flipped since the previous iteration) or 'uncertain' (the model hesitates between two classes). Proposals keep a distance from every click, from nodata and from each other. They are written to outputs/iteration_NNN/proposals.gpkg of the workspace (or the file given), never into the click record: label them with the click tool (the panel steps through them with 'Next proposal').</source>
      <translation>Propone dónde ayudarían más los próximos clics, solo a partir del modelo más reciente del espacio de trabajo y de sus marcos (sin referencia): por defecto, un punto por clase que el modelo predice en cada marco. Cada uno tiene una puntuación y un motivo: 'typical' (un tipo de píxel común que ningún clic cubre aún, propuesto mientras una clase tiene pocos clics en el marco), 'changed' (la clase cambió desde la iteración anterior) o 'uncertain' (el modelo duda entre dos clases). Las propuestas guardan distancia de todos los clics, de las zonas sin datos y entre sí. Se escriben en outputs/iteration_NNN/proposals.gpkg del espacio de trabajo (o en el archivo indicado), nunca en el registro de clics: etiquételas con la herramienta de clic (el panel las recorre con 'Siguiente propuesta').</translation>
    </message>
    <message>
      <source>Python {version} at {path} (a system Python managed by the distribution) cannot create environments: {fix}, then press Create engine environment</source>
      <translation>El Python {version} en {path} (un Python del sistema gestionado por la distribución) no puede crear entornos: {fix} y luego haga clic en Crear el entorno del motor</translation>
    </message>
    <message>
      <source>Python {version} at {path} cannot create environments: {fix}, then press Create engine environment</source>
      <translation>El Python {version} en {path} no puede crear entornos: {fix} y luego haga clic en Crear el entorno del motor</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>Semilla aleatoria</translation>
    </message>
    <message>
      <source>Raster</source>
      <translation>Ráster</translation>
    </message>
    <message>
      <source>Raster layers of the project (file-based) to add as frames:</source>
      <translation>Capas ráster del proyecto (basadas en archivo) que añadir como marcos:</translation>
    </message>
    <message>
      <source>Raster or VRT mosaic</source>
      <translation>Ráster o mosaico VRT</translation>
    </message>
    <message>
      <source>Re-link frames…</source>
      <translation>Volver a vincular marcos…</translation>
    </message>
    <message>
      <source>Reference class raster</source>
      <translation>Ráster de clases de referencia</translation>
    </message>
    <message>
      <source>Regions smaller than this many pixels are merged into their neighbours first (0: keep all).</source>
      <translation>Las regiones con menos píxeles que esto se fusionan primero con sus vecinas (0: conservar todas).</translation>
    </message>
    <message>
      <source>Report</source>
      <translation>Informe</translation>
    </message>
    <message>
      <source>Report (HTML)</source>
      <translation>Informe (HTML)</translation>
    </message>
    <message>
      <source>Report (JSON)</source>
      <translation>Informe (JSON)</translation>
    </message>
    <message>
      <source>Report (Markdown)</source>
      <translation>Informe (Markdown)</translation>
    </message>
    <message>
      <source>Report folder</source>
      <translation>Carpeta del informe</translation>
    </message>
    <message>
      <source>Resolution (cm/px)</source>
      <translation>Resolución (cm/px)</translation>
    </message>
    <message>
      <source>Restart engine</source>
      <translation>Reiniciar el motor</translation>
    </message>
    <message>
      <source>Results (JSON)</source>
      <translation>Resultados (JSON)</translation>
    </message>
    <message>
      <source>Resume</source>
      <translation>Reanudar</translation>
    </message>
    <message>
      <source>Resume the benchmark in the folder</source>
      <translation>Reanudar el benchmark de la carpeta</translation>
    </message>
    <message>
      <source>Retract another person's click</source>
      <translation>Retirar el clic de otra persona</translation>
    </message>
    <message>
      <source>Retract the last label given here and show its point again</source>
      <translation>Retirar la última etiqueta dada aquí y volver a mostrar su punto</translation>
    </message>
    <message>
      <source>Retractions added</source>
      <translation>Retiradas añadidas</translation>
    </message>
    <message>
      <source>Rounds, the shared seed round included.</source>
      <translation>Rondas, incluida la ronda inicial común.</translation>
    </message>
    <message>
      <source>Running the iSAGE engine: isage </source>
      <translation>Ejecutando el motor de iSAGE: isage </translation>
    </message>
    <message>
      <source>Runs an iSAGE model over a large raster or a VRT mosaic on a Dask cluster. The raster is cut into parts (whole blocks of the one-computer prediction, so the pixels are the same), each computed by a worker and written to the output folder; at the end a VRT over the parts is written for the classes and for the confidence (optionally also one Cloud-Optimized GeoTIFF each). A stopped run goes on where it stopped with 'Resume'.

Scheduler: the address of a running scheduler (tcp://host:8786, started with `dask scheduler`) or the file `dask scheduler --scheduler-file` wrote; empty: a local cluster of 'Local workers' processes on this computer. The raster, the model and the output folder must be on storage every worker reads at the same paths. A VRT mosaic whose sources lie in different CRSs is refused.</source>
      <translation>Ejecuta un modelo de iSAGE sobre un ráster grande o un mosaico VRT en un clúster Dask. El ráster se divide en partes (bloques completos de la predicción en un solo equipo, de modo que los píxeles son los mismos), cada una calculada por un trabajador y escrita en la carpeta de salida; al final se escribe un VRT sobre las partes para las clases y para la confianza (opcionalmente también un GeoTIFF optimizado para la nube de cada uno). Una ejecución detenida continúa donde se quedó con 'Reanudar'.

Planificador: la dirección de un planificador en marcha (tcp://host:8786, iniciado con `dask scheduler`) o el archivo que escribió `dask scheduler --scheduler-file`; vacío: un clúster local de 'Trabajadores locales' procesos en este equipo. El ráster, el modelo y la carpeta de salida deben estar en un almacenamiento que todos los trabajadores lean en las mismas rutas. Se rechaza un mosaico VRT cuyas fuentes estén en SRC distintos.</translation>
    </message>
    <message>
      <source>Runs an iSAGE model over a raster (tiles blended across their overlap) and writes a class raster (uint8 class ids with the model's colours, 255 nodata) and a confidence heatmap (0-1, the probability of the predicted class). Give an extent to refresh only part of a large raster.

The raster must have the bands the model was trained on.</source>
      <translation>Ejecuta un modelo de iSAGE sobre un ráster (teselas fundidas en su solapamiento) y escribe un ráster de clases (ids de clase uint8 con los colores del modelo, 255 sin datos) y un mapa de calor de la confianza (0-1, la probabilidad de la clase predicha). Indique una extensión para actualizar solo una parte de un ráster grande.

El ráster debe tener las bandas con las que se entrenó el modelo.</translation>
    </message>
    <message>
      <source>Runs the iSAGE loop with simulated annotators on images with dense reference masks and compares ways of placing the clicks: labelling what the engine proposes (the recommended strategy), the simulated expert's strategies, and baselines: uniform random clicks, the entropy oracle, pseudo-labels, clicks spread over superpixels, and dense supervision (the ceiling). Every method starts from the same seed clicks and model, and gets the same training steps.

The output folder receives benchmark.md (the report), benchmark.png (mIoU against iteration, labelled pixels and wall time), benchmark.json and benchmark.csv. Without a dataset, the bundled BsB Aerial sample is used. This takes long: about an hour on two CPU cores with the defaults. Each method's result is kept as it finishes: 'Resume' goes on with the benchmark already in the output folder, running only what is missing.</source>
      <translation>Ejecuta el ciclo de iSAGE con anotadores simulados sobre imágenes con máscaras de referencia densas y compara formas de colocar los clics: etiquetar lo que propone el motor (la estrategia recomendada), las estrategias del experto simulado y referencias de base: clics aleatorios uniformes, el oráculo de entropía, pseudoetiquetas, clics repartidos por superpíxeles y supervisión densa (el techo). Todos los métodos parten de los mismos clics iniciales y del mismo modelo, y reciben los mismos pasos de entrenamiento.

La carpeta de salida recibe benchmark.md (el informe), benchmark.png (mIoU frente a la iteración, los píxeles etiquetados y el tiempo real), benchmark.json y benchmark.csv. Sin un conjunto de datos, se usa la muestra BsB Aerial incluida. Tarda mucho: alrededor de una hora en dos núcleos de CPU con los valores por defecto. El resultado de cada método se guarda en cuanto termina: 'Reanudar' continúa el benchmark que ya está en la carpeta de salida, ejecutando solo lo que falta.</translation>
    </message>
    <message>
      <source>Sample of iteration {iteration}'s map (design {design}): {counter}.</source>
      <translation>Muestra del mapa de la iteración {iteration} (diseño {design}): {counter}.</translation>
    </message>
    <message>
      <source>Sample point {n} of {total}: frame {frame}, row {row}, col {col}.</source>
      <translation>Punto de muestra {n} de {total}: marco {frame}, fila {row}, columna {col}.</translation>
    </message>
    <message>
      <source>Sample points</source>
      <translation>Puntos de muestra</translation>
    </message>
    <message>
      <source>Sample points labelled (unsure ones included)</source>
      <translation>Puntos de muestra etiquetados (incluidos los dudosos)</translation>
    </message>
    <message>
      <source>Sample points not labelled</source>
      <translation>Puntos de muestra sin etiquetar</translation>
    </message>
    <message>
      <source>Sample size (points)</source>
      <translation>Tamaño de la muestra (puntos)</translation>
    </message>
    <message>
      <source>Save clicks, train the next iteration, then predict</source>
      <translation>Guardar los clics, entrenar la siguiente iteración y luego predecir</translation>
    </message>
    <message>
      <source>Scheduler CA certificate</source>
      <translation>Certificado de la CA del planificador</translation>
    </message>
    <message>
      <source>Schema</source>
      <translation>Esquema</translation>
    </message>
    <message>
      <source>Schema {schema} already holds a click record; it was opened instead.</source>
      <translation>El esquema {schema} ya contiene un registro de clics; se abrió en su lugar.</translation>
    </message>
    <message>
      <source>Score on the last N training frames instead of the validation split (for tuning a recipe without looking at the validation split). Empty or 0: score on val.</source>
      <translation>Puntuar sobre los últimos N marcos de entrenamiento en lugar de la partición de validación (para ajustar una receta sin mirar la partición de validación). Vacío o 0: puntuar sobre val.</translation>
    </message>
    <message>
      <source>Scores</source>
      <translation>Métricas</translation>
    </message>
    <message>
      <source>Seed clicks</source>
      <translation>Clics iniciales</translation>
    </message>
    <message>
      <source>Seeds</source>
      <translation>Semillas</translation>
    </message>
    <message>
      <source>Selected features only</source>
      <translation>Solo entidades seleccionadas</translation>
    </message>
    <message>
      <source>Show the map again; the labels given so far stay</source>
      <translation>Volver a mostrar el mapa; las etiquetas dadas hasta ahora se conservan</translation>
    </message>
    <message>
      <source>Show what the model being trained predicts where I click</source>
      <translation>Mostrar lo que el modelo en entrenamiento predice donde hago clic</translation>
    </message>
    <message>
      <source>Side of the square parts the workers compute, one at a time each (memory grows with it).</source>
      <translation>Lado de las partes cuadradas que calculan los trabajadores, una a la vez cada uno (la memoria crece con él).</translation>
    </message>
    <message>
      <source>Side of the square patches cut around the clicks.</source>
      <translation>Lado de los recortes cuadrados tomados alrededor de los clics.</translation>
    </message>
    <message>
      <source>Side of the tiles the network sees.</source>
      <translation>Lado de las teselas que ve la red.</translation>
    </message>
    <message>
      <source>Skip (N)</source>
      <translation>Saltar (N)</translation>
    </message>
    <message>
      <source>Spacing (pixels)</source>
      <translation>Espaciado (píxeles)</translation>
    </message>
    <message>
      <source>Standard error of overall accuracy</source>
      <translation>Error estándar de la exactitud global</translation>
    </message>
    <message>
      <source>Start from the latest model of the workspace (uncheck to train a new network, e.g. with another encoder).</source>
      <translation>Partir del modelo más reciente del espacio de trabajo (desmarque para entrenar una red nueva, p. ej. con otro codificador).</translation>
    </message>
    <message>
      <source>Start the engine again; clicks and models are intact</source>
      <translation>Iniciar el motor de nuevo; los clics y los modelos están intactos</translation>
    </message>
    <message>
      <source>Step cap (converge)</source>
      <translation>Tope de pasos (converge)</translation>
    </message>
    <message>
      <source>Step schedule</source>
      <translation>Programa de pasos</translation>
    </message>
    <message>
      <source>Steps of the seed round</source>
      <translation>Pasos de la ronda inicial</translation>
    </message>
    <message>
      <source>Stop assessing</source>
      <translation>Detener la evaluación</translation>
    </message>
    <message>
      <source>Stop the engine; earlier models and results stay</source>
      <translation>Detener el motor; los modelos y resultados anteriores se conservan</translation>
    </message>
    <message>
      <source>Stored as Deepness's overlap percentage.</source>
      <translation>Se guarda como el porcentaje de solapamiento de Deepness.</translation>
    </message>
    <message>
      <source>Target standard error</source>
      <translation>Error estándar objetivo</translation>
    </message>
    <message>
      <source>Target standard error of overall accuracy</source>
      <translation>Error estándar objetivo de la exactitud global</translation>
    </message>
    <message>
      <source>Team (PostGIS)…</source>
      <translation>Equipo (PostGIS)…</translation>
    </message>
    <message>
      <source>The colleague's click GeoPackage (their workspace's clicks.gpkg) to merge in; it is only read.</source>
      <translation>El GeoPackage de clics del colega (el clicks.gpkg de su espacio de trabajo) que fusionar; solo se lee.</translation>
    </message>
    <message>
      <source>The converge schedule's cap.</source>
      <translation>El tope del programa converge.</translation>
    </message>
    <message>
      <source>The design to report (its id or a unique prefix). Empty: the newest design.</source>
      <translation>El diseño que informar (su id o un prefijo único). Vacío: el diseño más reciente.</translation>
    </message>
    <message>
      <source>The engine ended the command without a result.</source>
      <translation>El motor terminó el comando sin un resultado.</translation>
    </message>
    <message>
      <source>The engine made no design: see the iSAGE log messages.</source>
      <translation>El motor no creó ningún diseño: vea los mensajes de registro de iSAGE.</translation>
    </message>
    <message>
      <source>The engine refuses rasters whose band count, data type or values differ from the model's training frames; tick to use them anyway (recorded in the run and in the outputs' metadata).</source>
      <translation>El motor rechaza los rásteres cuyo número de bandas, tipo de datos o valores difieren de los marcos de entrenamiento del modelo; márquelo para usarlos de todos modos (queda registrado en la ejecución y en los metadatos de las salidas).</translation>
    </message>
    <message>
      <source>The engine stopped; Train restarts it, or press Restart engine.</source>
      <translation>El motor se detuvo; Entrenar lo reinicia, o haga clic en Reiniciar el motor.</translation>
    </message>
    <message>
      <source>The fewest points any class gets with the minimum allocation; a higher minimum means more points in all when some classes are rare.</source>
      <translation>El menor número de puntos que recibe cualquier clase con la asignación mínima; un mínimo mayor significa más puntos en total cuando algunas clases son raras.</translation>
    </message>
    <message>
      <source>The field holding each point's class: its id or its name in the workspace's class table.</source>
      <translation>El campo con la clase de cada punto: su id o su nombre en la tabla de clases del espacio de trabajo.</translation>
    </message>
    <message>
      <source>The frame name may hold letters, digits, _, . and - only.</source>
      <translation>El nombre del marco solo puede tener letras, dígitos, _, . y -.</translation>
    </message>
    <message>
      <source>The full report: error matrix, class areas, plots</source>
      <translation>El informe completo: matriz de error, áreas de las clases, gráficos</translation>
    </message>
    <message>
      <source>The iSAGE engine Python '{python}' does not exist or is not executable</source>
      <translation>El Python del motor de iSAGE '{python}' no existe o no es ejecutable</translation>
    </message>
    <message>
      <source>The iSAGE engine stopped unexpectedly (exit status {code}) without reporting an error (its last words: {words}); see the iSAGE log messages for its output</source>
      <translation>El motor de iSAGE se detuvo inesperadamente (código de salida {code}) sin informar de un error (sus últimas palabras: {words}); vea su salida en los mensajes de registro de iSAGE</translation>
    </message>
    <message>
      <source>The iSAGE engine stopped unexpectedly (exit status {code}) without reporting an error; see the iSAGE log messages for its output</source>
      <translation>El motor de iSAGE se detuvo inesperadamente (código de salida {code}) sin informar de un error; vea su salida en los mensajes de registro de iSAGE</translation>
    </message>
    <message>
      <source>The iSAGE method allows one; overriding it is recorded nowhere else.</source>
      <translation>El método iSAGE permite uno; superarlo no queda registrado en ningún otro lugar.</translation>
    </message>
    <message>
      <source>The imagery to classify (a GDAL raster file with the model's bands).</source>
      <translation>Las imágenes que clasificar (un archivo ráster GDAL con las bandas del modelo).</translation>
    </message>
    <message>
      <source>The imagery to classify: a GeoTIFF, or a VRT mosaic of many (one CRS), with the model's bands.</source>
      <translation>Las imágenes que clasificar: un GeoTIFF, o un mosaico VRT de varios (un solo SRC), con las bandas del modelo.</translation>
    </message>
    <message>
      <source>The iteration whose map gets the full report (classes, areas, error matrix). Empty: the newest.</source>
      <translation>La iteración cuyo mapa recibe el informe completo (clases, áreas, matriz de error). Vacío: la más reciente.</translation>
    </message>
    <message>
      <source>The iteration whose map's classes are the strata (empty: the newest with a map of every frame).</source>
      <translation>La iteración cuyas clases del mapa son los estratos (vacío: la más reciente con un mapa de todos los marcos).</translation>
    </message>
    <message>
      <source>The model whose classes name the scores (give this or the workspace).</source>
      <translation>El modelo cuyas clases dan nombre a las métricas (indique este o el espacio de trabajo).</translation>
    </message>
    <message>
      <source>The points: a GeoPackage, shapefile, GeoJSON or CSV layer (others are copied to a GeoPackage).</source>
      <translation>Los puntos: una capa GeoPackage, shapefile, GeoJSON o CSV (las demás se copian a un GeoPackage).</translation>
    </message>
    <message>
      <source>The random seed of the sample: the same seed, map and settings draw the same points; change it to draw a different sample.</source>
      <translation>La semilla aleatoria de la muestra: la misma semilla, mapa y configuración extraen los mismos puntos; cámbiela para extraer una muestra distinta.</translation>
    </message>
    <message>
      <source>The record has a frame named {name} already; choose another name.</source>
      <translation>El registro ya tiene un marco llamado {name}; elija otro nombre.</translation>
    </message>
    <message>
      <source>The record's CRS as an EPSG code, e.g. EPSG:31983</source>
      <translation>El SRC del registro como código EPSG, p. ej. EPSG:31983</translation>
    </message>
    <message>
      <source>The run succeeded but its results could not be shown: {reason}</source>
      <translation>La ejecución tuvo éxito, pero no se pudieron mostrar sus resultados: {reason}</translation>
    </message>
    <message>
      <source>The same seed, map and options draw the same sample.</source>
      <translation>La misma semilla, mapa y opciones extraen la misma muestra.</translation>
    </message>
    <message>
      <source>The same seed, model and clicks give the same proposals.</source>
      <translation>La misma semilla, modelo y clics dan las mismas propuestas.</translation>
    </message>
    <message>
      <source>The schema holding the record, as the administrator named it</source>
      <translation>El esquema que contiene el registro, con el nombre que le dio quien lo administra</translation>
    </message>
    <message>
      <source>The standard error of overall accuracy the sample should reach: how precise the overall accuracy estimate should be; it sets the number of sample points. A smaller standard error needs more points: 0.025 gives a 95% interval of about ±5 percentage points, 0.0125 about four times as many points for ±2.5.</source>
      <translation>El error estándar de la exactitud global que debe alcanzar la muestra: cuán precisa debe ser la estimación de la exactitud global; fija el número de puntos de muestra. Un error estándar menor requiere más puntos: 0,025 da un intervalo del 95% de unos ±5 puntos porcentuales; 0,0125, unas cuatro veces más puntos para ±2,5.</translation>
    </message>
    <message>
      <source>The standard error of the overall accuracy estimate the sample should reach (0.025: a 95% interval of about ±5 points); used when no sample size is given.</source>
      <translation>El error estándar de la estimación de la exactitud global que debe alcanzar la muestra (0,025: un intervalo del 95% de unos ±5 puntos); se usa cuando no se indica un tamaño de muestra.</translation>
    </message>
    <message>
      <source>The truth: class ids on the same pixel grid as the prediction.</source>
      <translation>La verdad: ids de clase en la misma malla de píxeles que la predicción.</translation>
    </message>
    <message>
      <source>The user's accuracy expected of each class, for the sample size: one value for all, or class:value pairs such as 1:0.7,2:0.9 (the others get 0.85).</source>
      <translation>La exactitud del usuario esperada de cada clase, para el tamaño de la muestra: un valor para todas, o pares clase:valor como 1:0.7,2:0.9 (las demás reciben 0.85).</translation>
    </message>
    <message>
      <source>The user's accuracy you expect of each class, used only to work out the number of points. A lower value needs more points; if the map turns out better, the interval is narrower than the target.</source>
      <translation>La exactitud del usuario que espera de cada clase, usada solo para calcular el número de puntos. Un valor menor requiere más puntos; si el mapa resulta mejor, el intervalo es más estrecho que el objetivo.</translation>
    </message>
    <message>
      <source>The workspace receiving the clicks: its click GeoPackage (clicks.gpkg) or folder.</source>
      <translation>El espacio de trabajo que recibe los clics: su GeoPackage de clics (clicks.gpkg) o su carpeta.</translation>
    </message>
    <message>
      <source>The workspace that receives the clicks: its click GeoPackage (clicks.gpkg) or its folder.</source>
      <translation>El espacio de trabajo que recibe los clics: su GeoPackage de clics (clicks.gpkg) o su carpeta.</translation>
    </message>
    <message>
      <source>The workspace whose classes name the scores and whose clicks are counted (or give the model).</source>
      <translation>El espacio de trabajo cuyas clases dan nombre a las métricas y cuyos clics se cuentan (o indique el modelo).</translation>
    </message>
    <message>
      <source>The workspace whose latest model to export (or give the model file).</source>
      <translation>El espacio de trabajo cuyo modelo más reciente se exporta (o indique el archivo del modelo).</translation>
    </message>
    <message>
      <source>The workspace's click GeoPackage (clicks.gpkg) or the workspace folder holding it.</source>
      <translation>El GeoPackage de clics del espacio de trabajo (clicks.gpkg) o la carpeta del espacio de trabajo que lo contiene.</translation>
    </message>
    <message>
      <source>This copy of the plugin carries no engine (a development checkout): use the repository's .venv, or install the plugin zip made by `make package`.</source>
      <translation>Esta copia del complemento no trae motor (una copia de desarrollo): use el .venv del repositorio, o instale el zip del complemento creado por `make package`.</translation>
    </message>
    <message>
      <source>Tile overlap (pixels)</source>
      <translation>Solapamiento de teselas (píxeles)</translation>
    </message>
    <message>
      <source>Tile side Deepness runs (multiple of 32).</source>
      <translation>Lado de la tesela que procesa Deepness (múltiplo de 32).</translation>
    </message>
    <message>
      <source>Tile size (pixels)</source>
      <translation>Tamaño de tesela (píxeles)</translation>
    </message>
    <message>
      <source>Tiles per network call (lower it if memory runs out).</source>
      <translation>Teselas por llamada a la red (redúzcalo si se agota la memoria).</translation>
    </message>
    <message>
      <source>Torch</source>
      <translation>Torch</translation>
    </message>
    <message>
      <source>Total</source>
      <translation>Total</translation>
    </message>
    <message>
      <source>Train</source>
      <translation>Entrenar</translation>
    </message>
    <message>
      <source>Train model from clicks</source>
      <translation>Entrenar el modelo a partir de los clics</translation>
    </message>
    <message>
      <source>Train while I click (live training)</source>
      <translation>Entrenar mientras hago clic (entrenamiento en tiempo real)</translation>
    </message>
    <message>
      <source>Trainer account</source>
      <translation>Cuenta de entrenador</translation>
    </message>
    <message>
      <source>Training frames (most)</source>
      <translation>Marcos de entrenamiento (máximo)</translation>
    </message>
    <message>
      <source>Training time budget</source>
      <translation>Tiempo máximo de entrenamiento</translation>
    </message>
    <message>
      <source>Trains the model of the workspace's current iteration from every unretracted click of this and earlier iterations, warm-starting from the latest model. The clicks are the only labels: each is one pixel an expert marked. Clicks added afterwards belong to the next iteration.

Outputs the model file (models/iteration_NNN.safetensors in the workspace) and the iteration number.</source>
      <translation>Entrena el modelo de la iteración actual del espacio de trabajo a partir de todos los clics no retirados de esta iteración y de las anteriores, partiendo del modelo más reciente. Los clics son las únicas etiquetas: cada uno es un píxel marcado por un experto. Los clics añadidos después pertenecen a la siguiente iteración.

Produce el archivo del modelo (models/iteration_NNN.safetensors en el espacio de trabajo) y el número de la iteración.</translation>
    </message>
    <message>
      <source>Tune on held-out training frames</source>
      <translation>Ajustar con marcos de entrenamiento reservados</translation>
    </message>
    <message>
      <source>Turns a class raster into polygons: one per connected region (4-neighbour) of each class, with the class id, class name and area in square metres and hectares (on the ellipsoid for a geographic CRS). Regions smaller than the minimum area are first merged into their neighbours. Works in strips, so rasters larger than memory are fine. Nodata is skipped.</source>
      <translation>Convierte un ráster de clases en polígonos: uno por región conexa (vecindad 4) de cada clase, con el id de la clase, el nombre de la clase y el área en metros cuadrados y hectáreas (sobre el elipsoide para un SRC geográfico). Las regiones menores que el área mínima se fusionan antes con sus vecinas. Trabaja por franjas, así que los rásteres más grandes que la memoria no son un problema. Se omite sin datos.</translation>
    </message>
    <message>
      <source>Typical proposals below this many clicks</source>
      <translation>Propuestas típicas por debajo de este número de clics</translation>
    </message>
    <message>
      <source>U-Net decoder channels of a new model, comma-separated (e.g. 64,32,16,16,8); empty: the architecture's default.</source>
      <translation>Canales del decodificador U-Net de un modelo nuevo, separados por comas (p. ej. 64,32,16,16,8); vacío: el valor por defecto de la arquitectura.</translation>
    </message>
    <message>
      <source>Undo label</source>
      <translation>Deshacer la etiqueta</translation>
    </message>
    <message>
      <source>Undone: click {fid} retracted.</source>
      <translation>Deshecho: clic {fid} retirado.</translation>
    </message>
    <message>
      <source>Undone: the retracted click is back as click {fid}.</source>
      <translation>Deshecho: el clic retirado vuelve como clic {fid}.</translation>
    </message>
    <message>
      <source>Unsaved clicks</source>
      <translation>Clics sin guardar</translation>
    </message>
    <message>
      <source>Unsure (U)</source>
      <translation>Dudoso (U)</translation>
    </message>
    <message>
      <source>Update engine</source>
      <translation>Actualizar el motor</translation>
    </message>
    <message>
      <source>Use only the first N.</source>
      <translation>Usar solo los N primeros.</translation>
    </message>
    <message>
      <source>Validation frames (most)</source>
      <translation>Marcos de validación (máximo)</translation>
    </message>
    <message>
      <source>Vectorize classes</source>
      <translation>Vectorizar clases</translation>
    </message>
    <message>
      <source>Visible extent</source>
      <translation>Extensión visible</translation>
    </message>
    <message>
      <source>Visible map extent</source>
      <translation>Extensión visible del mapa</translation>
    </message>
    <message>
      <source>Wall time (s)</source>
      <translation>Tiempo real (s)</translation>
    </message>
    <message>
      <source>Warm start</source>
      <translation>Arranque en caliente</translation>
    </message>
    <message>
      <source>Where the network runs: 'settings' uses the device chosen in the iSAGE settings (default auto: a CUDA GPU, else Apple MPS, else the CPU).</source>
      <translation>Dónde se ejecuta la red: 'settings' usa el dispositivo elegido en la configuración de iSAGE (por defecto auto: una GPU CUDA, si no Apple MPS, si no la CPU).</translation>
    </message>
    <message>
      <source>Where the parts and the VRTs go (the VRTs read the parts: keep them together).</source>
      <translation>Dónde van las partes y los VRT (los VRT leen las partes: manténgalos juntos).</translation>
    </message>
    <message>
      <source>Where to click next</source>
      <translation>Dónde hacer clic a continuación</translation>
    </message>
    <message>
      <source>Where to write the class raster (GeoTIFF).</source>
      <translation>Dónde escribir el ráster de clases (GeoTIFF).</translation>
    </message>
    <message>
      <source>Where to write the confidence heatmap (GeoTIFF, 0-1); skip it to write only the classes.</source>
      <translation>Dónde escribir el mapa de calor de la confianza (GeoTIFF, 0-1); omítalo para escribir solo las clases.</translation>
    </message>
    <message>
      <source>Where to write the heatmap (GeoTIFF, 0-1).</source>
      <translation>Dónde escribir el mapa de calor (GeoTIFF, 0-1).</translation>
    </message>
    <message>
      <source>Where to write the model (.onnx); the .isage.json sidecar goes beside it.</source>
      <translation>Dónde escribir el modelo (.onnx); el archivo auxiliar .isage.json va a su lado.</translation>
    </message>
    <message>
      <source>Where to write the points (empty: outputs/iteration_NNN/proposals.gpkg of the workspace).</source>
      <translation>Dónde escribir los puntos (vacío: outputs/iteration_NNN/proposals.gpkg del espacio de trabajo).</translation>
    </message>
    <message>
      <source>Where to write the polygons (GeoPackage; other formats are converted from it).</source>
      <translation>Dónde escribir los polígonos (GeoPackage; los demás formatos se convierten a partir de él).</translation>
    </message>
    <message>
      <source>Where to write the report files (empty: outputs/assessment/&lt;design&gt; of the workspace).</source>
      <translation>Dónde escribir los archivos del informe (vacío: outputs/assessment/&lt;design&gt; del espacio de trabajo).</translation>
    </message>
    <message>
      <source>Where to write the scores (JSON).</source>
      <translation>Dónde escribir las métricas (JSON).</translation>
    </message>
    <message>
      <source>Who creates the design (empty: the annotator of the iSAGE settings).</source>
      <translation>Quién crea el diseño (vacío: el anotador de la configuración de iSAGE).</translation>
    </message>
    <message>
      <source>Who made the points, when no annotator field is given.</source>
      <translation>Quién hizo los puntos, cuando no se indica un campo de anotador.</translation>
    </message>
    <message>
      <source>Whole frames</source>
      <translation>Marcos completos</translation>
    </message>
    <message>
      <source>Why is click {fid} by {annotator} wrong? (kept with the retraction)</source>
      <translation>¿Por qué está mal el clic {fid} de {annotator}? (se guarda con la retirada)</translation>
    </message>
    <message>
      <source>With live training: every few seconds, the layer 'iSAGE live preview' shows the current model's classes around the newest click (a small prediction each time).</source>
      <translation>Con el entrenamiento en tiempo real: cada pocos segundos, la capa 'Vista previa en vivo de iSAGE' muestra las clases del modelo actual alrededor del clic más reciente (una pequeña predicción cada vez).</translation>
    </message>
    <message>
      <source>With the minimum allocation: the fewest points any class gets.</source>
      <translation>Con la asignación mínima: el menor número de puntos que recibe cualquier clase.</translation>
    </message>
    <message>
      <source>Without live training, Train trains until the clicks fit or the loss settles, for at most this many seconds.</source>
      <translation>Sin el entrenamiento en tiempo real, Entrenar entrena hasta que los clics se ajustan o la pérdida se estabiliza, durante como máximo este número de segundos.</translation>
    </message>
    <message>
      <source>Worker processes of the local cluster (without a scheduler).</source>
      <translation>Procesos trabajadores del clúster local (sin planificador).</translation>
    </message>
    <message>
      <source>Workspace</source>
      <translation>Espacio de trabajo</translation>
    </message>
    <message>
      <source>Workspace (clicks.gpkg or its folder)</source>
      <translation>Espacio de trabajo (clicks.gpkg o su carpeta)</translation>
    </message>
    <message>
      <source>Workspace folder</source>
      <translation>Carpeta del espacio de trabajo</translation>
    </message>
    <message>
      <source>Workspace folder (clicks.gpkg, models, outputs)</source>
      <translation>Carpeta del espacio de trabajo (clicks.gpkg, modelos, salidas)</translation>
    </message>
    <message>
      <source>Workspace folder (models, outputs)</source>
      <translation>Carpeta del espacio de trabajo (modelos, resultados)</translation>
    </message>
    <message>
      <source>Writes a model as an ONNX segmentation model for the Deepness plugin: its band selection and normalisation are built in, so Deepness's own input scaling (values / 255) gives the classes iSAGE predicts, 16-bit imagery included. Class names, resolution, tile size and overlap are stored as the metadata Deepness reads ('Load default parameters' there applies them). The iSAGE metadata (classes, colours, bands, normalisation, iteration, clicks) goes into a .isage.json file beside it. Give the workspace (its latest model) or a model file.</source>
      <translation>Escribe un modelo como modelo de segmentación ONNX para el complemento Deepness: su selección de bandas y su normalización van incorporadas, de modo que el propio escalado de entrada de Deepness (valores / 255) da las clases que predice iSAGE, imágenes de 16 bits incluidas. Los nombres de las clases, la resolución, el tamaño de tesela y el solapamiento se guardan como los metadatos que lee Deepness ('Load default parameters' allí los aplica). Los metadatos de iSAGE (clases, colores, bandas, normalización, iteración, clics) van a un archivo .isage.json a su lado. Indique el espacio de trabajo (su modelo más reciente) o un archivo de modelo.</translation>
    </message>
    <message>
      <source>XYZ tiles</source>
      <translation>Teselas XYZ</translation>
    </message>
    <message>
      <source>You cannot tell the class here</source>
      <translation>No se puede distinguir la clase aquí</translation>
    </message>
    <message>
      <source>Zoom level</source>
      <translation>Nivel de zoom</translation>
    </message>
    <message>
      <source>Zoom levels of the layer: {low} to {high}</source>
      <translation>Niveles de zoom de la capa: {low} a {high}</translation>
    </message>
    <message>
      <source>a library it needs does not import</source>
      <translation>no se puede importar una biblioteca que necesita</translation>
    </message>
    <message>
      <source>accuracy assessment design</source>
      <translation>diseño de evaluación de la exactitud</translation>
    </message>
    <message>
      <source>accuracy assessment report</source>
      <translation>informe de evaluación de la exactitud</translation>
    </message>
    <message>
      <source>add at least one frame raster to the record</source>
      <translation>añada al menos un ráster de marco al registro</translation>
    </message>
    <message>
      <source>add frames</source>
      <translation>añadir marcos</translation>
    </message>
    <message>
      <source>add the click</source>
      <translation>añadir el clic</translation>
    </message>
    <message>
      <source>add the frame rasters (GeoTIFF...) or an XYZ, WMTS or WMS layer to the project first</source>
      <translation>añada primero al proyecto los ráster de los marcos (GeoTIFF...) o una capa XYZ, WMTS o WMS</translation>
    </message>
    <message>
      <source>an engine run is in progress; wait for it or cancel it</source>
      <translation>hay una ejecución del motor en curso; espere a que termine o cancélela</translation>
    </message>
    <message>
      <source>authors: the method authors' sample recipe, replacing the training options (the report lists what this machine trims).</source>
      <translation>authors: la receta de la muestra de los autores del método, que sustituye las opciones de entrenamiento (el informe lista lo que esta máquina recorta).</translation>
    </message>
    <message>
      <source>auto: OpenVINO (else onnxruntime) on a CPU, running the model's graph, exported once and cached beside it (small jobs use PyTorch); PyTorch on a GPU. torch, onnxruntime or openvino force one.</source>
      <translation>auto: OpenVINO (si no onnxruntime) en una CPU, ejecutando el grafo del modelo, exportado una vez y guardado en caché a su lado (los trabajos pequeños usan PyTorch); PyTorch en una GPU. torch, onnxruntime u openvino fuerzan uno de ellos.</translation>
    </message>
    <message>
      <source>auto: bfloat16 where the CPU computes it (AMX, AVX-512 BF16) and a check against float32 passes, else float32. f32 never reduces the precision; bf16 insists (the run fails if the check does).</source>
      <translation>auto: bfloat16 donde la CPU lo calcula (AMX, AVX-512 BF16) y una comprobación frente a float32 pasa, si no float32. f32 nunca reduce la precisión; bf16 insiste (la ejecución falla si la comprobación falla).</translation>
    </message>
    <message>
      <source>auto: class ids when every value is a whole number, else class names (case does not matter).</source>
      <translation>auto: ids de clase cuando todos los valores son números enteros, si no nombres de clase (no distingue mayúsculas y minúsculas).</translation>
    </message>
    <message>
      <source>cancelled</source>
      <translation>cancelado</translation>
    </message>
    <message>
      <source>cancelled before the next step</source>
      <translation>cancelado antes del siguiente paso</translation>
    </message>
    <message>
      <source>cancelled; earlier models, results and clicks are intact</source>
      <translation>cancelado; los modelos, resultados y clics anteriores están intactos</translation>
    </message>
    <message>
      <source>cancelled; the engine environment is incomplete, build it again to finish it</source>
      <translation>cancelado; el entorno del motor está incompleto, vuelva a crearlo para terminarlo</translation>
    </message>
    <message>
      <source>cancelled; the engine was stopped before it finished</source>
      <translation>cancelado; el motor se detuvo antes de terminar</translation>
    </message>
    <message>
      <source>cannot run {command}: {reason}</source>
      <translation>no se puede ejecutar {command}: {reason}</translation>
    </message>
    <message>
      <source>check cancelled</source>
      <translation>comprobación cancelada</translation>
    </message>
    <message>
      <source>checking that the engine imports</source>
      <translation>comprobando que el motor se importa</translation>
    </message>
    <message>
      <source>checking the engine</source>
      <translation>comprobando el motor</translation>
    </message>
    <message>
      <source>checking what would be downloaded</source>
      <translation>comprobando lo que se descargaría</translation>
    </message>
    <message>
      <source>choose CPU or CUDA torch in the iSAGE settings</source>
      <translation>elija torch para CPU o CUDA en la configuración de iSAGE</translation>
    </message>
    <message>
      <source>click at least once for every class (none yet: {classes})</source>
      <translation>haga clic al menos una vez en cada clase (ninguno aún: {classes})</translation>
    </message>
    <message>
      <source>click {fid} cannot be retracted by {login}: {reason}</source>
      <translation>el clic {fid} no puede ser retirado por {login}: {reason}</translation>
    </message>
    <message>
      <source>click {fid} is {annotator}'s; only a reviewer retracts another person's click, with a reason</source>
      <translation>el clic {fid} es de {annotator}; solo un revisor retira el clic de otra persona, con un motivo</translation>
    </message>
    <message>
      <source>cosine: decays within each run to 5% of the rate (measured better on the sample); constant: the same rate for every step.</source>
      <translation>cosine: decae dentro de cada ejecución hasta el 5% de la tasa (medido como mejor en la muestra); constant: la misma tasa en todos los pasos.</translation>
    </message>
    <message>
      <source>create the accuracy assessment design</source>
      <translation>crear el diseño de evaluación de la exactitud</translation>
    </message>
    <message>
      <source>create workspace</source>
      <translation>crear el espacio de trabajo</translation>
    </message>
    <message>
      <source>creating the environment {folder}</source>
      <translation>creando el entorno {folder}</translation>
    </message>
    <message>
      <source>empty: predict on this computer; tcp://host:8786 or a .json file</source>
      <translation>vacío: predecir en este equipo; tcp://host:8786 o un archivo .json</translation>
    </message>
    <message>
      <source>empty: the package index; or a folder of wheels (offline)</source>
      <translation>vacío: el índice de paquetes; o una carpeta de wheels (sin conexión)</translation>
    </message>
    <message>
      <source>ewdl: the Error-Weighted Dice Loss of the method; ce: cross-entropy on the clicks.</source>
      <translation>ewdl: la Error-Weighted Dice Loss del método; ce: entropía cruzada sobre los clics.</translation>
    </message>
    <message>
      <source>fetch frame {name}</source>
      <translation>descargar el marco {name}</translation>
    </message>
    <message>
      <source>fit on its training clicks {percent}%</source>
      <translation>ajuste a sus clics de entrenamiento {percent}%</translation>
    </message>
    <message>
      <source>fixed: the steps above; converge: those steps are a floor, and a run trains on at a constant rate until its clicks fit and the loss settles, then decays the rate, never past the cap.</source>
      <translation>fixed: los pasos de arriba; converge: esos pasos son un mínimo, y una ejecución sigue entrenando a tasa constante hasta que sus clics se ajustan y la pérdida se estabiliza, luego reduce la tasa, nunca más allá del tope.</translation>
    </message>
    <message>
      <source>found automatically (ISAGE_PYTHON, the managed environment, isage on PATH)</source>
      <translation>encontrado automáticamente (ISAGE_PYTHON, el entorno gestionado, isage en el PATH)</translation>
    </message>
    <message>
      <source>frame '{frame}' already has a click of class {class_id} in iteration {iteration} (click {fid}); one click per class per frame per iteration: retract it first (right click), or turn on the budget override in the iSAGE settings</source>
      <translation>el marco '{frame}' ya tiene un clic de la clase {class_id} en la iteración {iteration} (clic {fid}); un clic por clase por marco por iteración: retírelo primero (clic derecho) o active la excepción al cupo en la configuración de iSAGE</translation>
    </message>
    <message>
      <source>give at least one class before creating a workspace</source>
      <translation>indique al menos una clase antes de crear un espacio de trabajo</translation>
    </message>
    <message>
      <source>iSAGE assessment sample</source>
      <translation>Muestra de evaluación de iSAGE</translation>
    </message>
    <message>
      <source>iSAGE class {id}</source>
      <translation>Clase {id} de iSAGE</translation>
    </message>
    <message>
      <source>iSAGE click</source>
      <translation>Clic de iSAGE</translation>
    </message>
    <message>
      <source>iSAGE click tool</source>
      <translation>Herramienta de clic de iSAGE</translation>
    </message>
    <message>
      <source>iSAGE clicks</source>
      <translation>Clics de iSAGE</translation>
    </message>
    <message>
      <source>iSAGE engine</source>
      <translation>Motor de iSAGE</translation>
    </message>
    <message>
      <source>iSAGE iteration {iteration}</source>
      <translation>Iteración {iteration} de iSAGE</translation>
    </message>
    <message>
      <source>iSAGE live preview</source>
      <translation>Vista previa en vivo de iSAGE</translation>
    </message>
    <message>
      <source>iSAGE metadata (JSON)</source>
      <translation>Metadatos de iSAGE (JSON)</translation>
    </message>
    <message>
      <source>iSAGE panel</source>
      <translation>Panel de iSAGE</translation>
    </message>
    <message>
      <source>iSAGE proposals</source>
      <translation>Propuestas de iSAGE</translation>
    </message>
    <message>
      <source>iSAGE settings</source>
      <translation>Configuración de iSAGE</translation>
    </message>
    <message>
      <source>iSAGE settings: engine, device, annotator, budget</source>
      <translation>Configuración de iSAGE: motor, dispositivo, anotador, cupo</translation>
    </message>
    <message>
      <source>iSAGE settings…</source>
      <translation>Configuración de iSAGE…</translation>
    </message>
    <message>
      <source>iSAGE {isage} ({distribution}), Python {python}, torch {torch} ({torch_build} build)</source>
      <translation>iSAGE {isage} ({distribution}), Python {python}, torch {torch} (compilación {torch_build})</translation>
    </message>
    <message>
      <source>iSAGE: checking the engine</source>
      <translation>iSAGE: comprobando el motor</translation>
    </message>
    <message>
      <source>iSAGE: iterative sparse annotation guided by an expert</source>
      <translation>iSAGE: anotación dispersa iterativa guiada por un experto</translation>
    </message>
    <message>
      <source>install the python3-venv package (sudo apt install python{version}-venv)</source>
      <translation>instale el paquete python3-venv (sudo apt install python{version}-venv)</translation>
    </message>
    <message>
      <source>installing the iSAGE engine {version} and its libraries (this can take several minutes)</source>
      <translation>instalando el motor de iSAGE {version} y sus bibliotecas (puede tardar varios minutos)</translation>
    </message>
    <message numerus="yes">
      <source>iteration {iteration} trained on {clicks} clicks; %n of them still predicted wrong (listed in the iSAGE panel)</source>
      <translation>
        <numerusform>iteración {iteration} entrenada con {clicks} clics; %n de ellos aún mal predicho (listado en el panel de iSAGE)</numerusform>
        <numerusform>iteración {iteration} entrenada con {clicks} clics; %n de ellos aún mal predichos (listados en el panel de iSAGE)</numerusform>
      </translation>
    </message>
    <message>
      <source>iteration {iteration} {kind}</source>
      <translation>iteración {iteration} {kind}</translation>
    </message>
    <message>
      <source>iteration {iteration} {kind} ({crs})</source>
      <translation>iteración {iteration} {kind} ({crs})</translation>
    </message>
    <message numerus="yes">
      <source>iteration {iteration}: %n clicks</source>
      <translation>
        <numerusform>iteración {iteration}: %n clic</numerusform>
        <numerusform>iteración {iteration}: %n clics</numerusform>
      </translation>
    </message>
    <message>
      <source>labelled</source>
      <translation>etiquetado</translation>
    </message>
    <message>
      <source>last: the round's last weights (what a user gets); reference: the weights scoring best on the scoring split's reference masks during training (the paper's protocol, which no user can run).</source>
      <translation>last: los pesos finales de la ronda (lo que obtiene un usuario); reference: los pesos con mejor puntuación sobre las máscaras de referencia de la partición de puntuación durante el entrenamiento (el protocolo del artículo, que ningún usuario puede ejecutar).</translation>
    </message>
    <message>
      <source>loss {loss}</source>
      <translation>pérdida {loss}</translation>
    </message>
    <message>
      <source>mIoU</source>
      <translation>mIoU</translation>
    </message>
    <message>
      <source>mIoU {miou}, overall accuracy {accuracy}</source>
      <translation>mIoU {miou}, exactitud global {accuracy}</translation>
    </message>
    <message>
      <source>missing on disk: {frames}</source>
      <translation>faltan en el disco: {frames}</translation>
    </message>
    <message>
      <source>no</source>
      <translation>no</translation>
    </message>
    <message>
      <source>no PostGIS connection named '{name}' in QGIS; add it in the Browser (PostgreSQL) first</source>
      <translation>ninguna conexión PostGIS llamada '{name}' en QGIS; añádala primero en el Explorador (PostgreSQL)</translation>
    </message>
    <message>
      <source>no area to fetch: choose an extent or polygon features</source>
      <translation>ninguna área por descargar: elija una extensión o entidades de polígonos</translation>
    </message>
    <message>
      <source>no iSAGE engine Python was found; set it below or create the engine environment</source>
      <translation>no se encontró ningún Python del motor de iSAGE; indíquelo abajo o cree el entorno del motor</translation>
    </message>
    <message>
      <source>no model trained yet</source>
      <translation>aún no hay ningún modelo entrenado</translation>
    </message>
    <message>
      <source>no model yet: click every class at least once, then Train</source>
      <translation>aún no hay modelo: haga clic en cada clase al menos una vez y luego en Entrenar</translation>
    </message>
    <message>
      <source>no output</source>
      <translation>sin salida</translation>
    </message>
    <message>
      <source>no proposal left: Train or Predict proposes new ones</source>
      <translation>no quedan propuestas: Entrenar o Predecir proponen nuevas</translation>
    </message>
    <message>
      <source>no raster layer in the project yet</source>
      <translation>aún no hay ninguna capa ráster en el proyecto</translation>
    </message>
    <message>
      <source>no reason given</source>
      <translation>no se dio ningún motivo</translation>
    </message>
    <message>
      <source>no sample point labelled as it</source>
      <translation>ningún punto de muestra etiquetado como ella</translation>
    </message>
    <message>
      <source>no sample point mapped as it</source>
      <translation>ningún punto de muestra cartografiado como ella</translation>
    </message>
    <message>
      <source>none</source>
      <translation>ninguno</translation>
    </message>
    <message>
      <source>none yet</source>
      <translation>ninguno aún</translation>
    </message>
    <message>
      <source>not on the team</source>
      <translation>fuera del equipo</translation>
    </message>
    <message>
      <source>open or create a click record first</source>
      <translation>abra o cree primero un registro de clics</translation>
    </message>
    <message>
      <source>press Update engine in the iSAGE settings</source>
      <translation>haga clic en Actualizar el motor en la configuración de iSAGE</translation>
    </message>
    <message>
      <source>propose where to click next</source>
      <translation>proponer dónde hacer clic a continuación</translation>
    </message>
    <message>
      <source>re-link frames</source>
      <translation>volver a vincular los marcos</translation>
    </message>
    <message>
      <source>reinstall it with the venv and ensurepip modules (python.org installer)</source>
      <translation>reinstálelo con los módulos venv y ensurepip (instalador de python.org)</translation>
    </message>
    <message>
      <source>retract the click</source>
      <translation>retirar el clic</translation>
    </message>
    <message>
      <source>retract the label</source>
      <translation>retirar la etiqueta</translation>
    </message>
    <message>
      <source>save the classes</source>
      <translation>guardar las clases</translation>
    </message>
    <message>
      <source>schema name '{schema}' is not a plain lower-case SQL name; give one like 'isage' or 'city_2026'</source>
      <translation>el nombre de esquema '{schema}' no es un nombre SQL simple en minúsculas; use uno como 'isage' o 'city_2026'</translation>
    </message>
    <message>
      <source>segmentation-models-pytorch encoder of a new model (a warm start keeps the previous model's network); tu-efficientnet_lite2 is the larger one with offline weights.</source>
      <translation>codificador segmentation-models-pytorch de un modelo nuevo (un arranque en caliente conserva la red del modelo anterior); tu-efficientnet_lite2 es el más grande con pesos sin conexión.</translation>
    </message>
    <message>
      <source>simulated: one click per class per frame, a random pixel inside the class; human: the bundled sample's clicks by the method's authors (bundled sample only).</source>
      <translation>simulated: un clic por clase por marco, un píxel aleatorio dentro de la clase; human: los clics de la muestra incluida hechos por los autores del método (solo la muestra incluida).</translation>
    </message>
    <message>
      <source>still missing: {frames} (choose the folder holding them)</source>
      <translation>aún faltan: {frames} (elija la carpeta que los contiene)</translation>
    </message>
    <message>
      <source>text with a NUL character cannot be stored; remove it</source>
      <translation>un texto con el carácter NUL no se puede guardar; quítelo</translation>
    </message>
    <message>
      <source>the CPU build from PyTorch's CPU index (torch about {cpu_mb} MB)</source>
      <translation>la compilación para CPU del índice de CPU de PyTorch (torch de unos {cpu_mb} MB)</translation>
    </message>
    <message>
      <source>the CUDA build, for an NVIDIA GPU (about {cuda_gb} GB of downloads)</source>
      <translation>la compilación CUDA, para una GPU NVIDIA (unos {cuda_gb} GB de descargas)</translation>
    </message>
    <message>
      <source>the data provider refused the edit</source>
      <translation>el proveedor de datos rechazó la edición</translation>
    </message>
    <message>
      <source>the engine failed</source>
      <translation>el motor falló</translation>
    </message>
    <message>
      <source>the environment's engine is version '{found}', the plugin's is {expected}; build it again</source>
      <translation>el motor del entorno es la versión '{found}', la del complemento es {expected}; vuelva a crearlo</translation>
    </message>
    <message>
      <source>the iSAGE engine at {python} cannot train: {problem}; {hint}</source>
      <translation>el motor de iSAGE en {python} no puede entrenar: {problem}; {hint}</translation>
    </message>
    <message>
      <source>the iSAGE engine at {python} is version {found}, this plugin is {expected}: {hint}</source>
      <translation>el motor de iSAGE en {python} es la versión {found}, este complemento es la {expected}: {hint}</translation>
    </message>
    <message>
      <source>the iSAGE engine environment is ready</source>
      <translation>el entorno del motor de iSAGE está listo</translation>
    </message>
    <message>
      <source>the package index would install the CUDA build of torch {torch} ({packages} packages, {cuda} of them CUDA libraries, about {cuda_gb} GB of downloads), which was not asked for: {how_to_choose}</source>
      <translation>el índice de paquetes instalaría la compilación CUDA de torch {torch} ({packages} paquetes, {cuda} de ellos bibliotecas CUDA, unos {cuda_gb} GB de descargas), que no se ha pedido: {how_to_choose}</translation>
    </message>
    <message>
      <source>the service layer is no longer in the project</source>
      <translation>la capa del servicio ya no está en el proyecto</translation>
    </message>
    <message>
      <source>the visible extent overlaps no frame; pan to a frame or predict whole frames</source>
      <translation>la extensión visible no se solapa con ningún marco; desplace el mapa hasta un marco o prediga los marcos completos</translation>
    </message>
    <message>
      <source>these rasters are frames of the record already</source>
      <translation>estos rásteres ya son marcos del registro</translation>
    </message>
    <message>
      <source>this copy of the plugin carries no engine (a development checkout)</source>
      <translation>esta copia del complemento no trae motor (una copia de desarrollo)</translation>
    </message>
    <message>
      <source>timed out after {seconds} s</source>
      <translation>tiempo agotado tras {seconds} s</translation>
    </message>
    <message>
      <source>to label</source>
      <translation>por etiquetar</translation>
    </message>
    <message>
      <source>unknown</source>
      <translation>desconocida</translation>
    </message>
    <message>
      <source>updating pip</source>
      <translation>actualizando pip</translation>
    </message>
    <message>
      <source>what the package index gives, checked first: a CUDA build is refused unless chosen</source>
      <translation>lo que dé el índice de paquetes, comprobado antes: una compilación CUDA se rechaza salvo que se elija</translation>
    </message>
    <message>
      <source>write the label</source>
      <translation>escribir la etiqueta</translation>
    </message>
    <message>
      <source>yes</source>
      <translation>sí</translation>
    </message>
    <message>
      <source>your name, stored with every click</source>
      <translation>su nombre, guardado con cada clic</translation>
    </message>
    <message>
      <source>{computed} of {parts} parts computed on {workers} workers ({backend})</source>
      <translation>{computed} de {parts} partes calculadas en {workers} trabajadores ({backend})</translation>
    </message>
    <message>
      <source>{connection}: its authentication configuration {id} cannot be read; check it (and the master password) in QGIS's authentication settings</source>
      <translation>{connection}: su configuración de autenticación {id} no se puede leer; revísela (y la contraseña maestra) en la configuración de autenticación de QGIS</translation>
    </message>
    <message>
      <source>{connection}: its authentication method {method} cannot be passed to the iSAGE engine; use a Basic (user name and password) configuration</source>
      <translation>{connection}: su método de autenticación {method} no se puede pasar al motor de iSAGE; use una configuración Basic (usuario y contraseña)</translation>
    </message>
    <message>
      <source>{count} sample points lie within a few pixels of a training click.</source>
      <translation>{count} puntos de muestra están a pocos píxeles de un clic de entrenamiento.</translation>
    </message>
    <message>
      <source>{estimate:.1f}% (95% interval {low:.1f}% to {high:.1f}%)</source>
      <translation>{estimate:.1f}% (intervalo del 95% de {low:.1f}% a {high:.1f}%)</translation>
    </message>
    <message>
      <source>{estimate:.1f}% (no interval: too few labelled points, or all of them agree)</source>
      <translation>{estimate:.1f}% (sin intervalo: demasiado pocos puntos etiquetados, o todos coinciden)</translation>
    </message>
    <message>
      <source>{fit} % of the clicked pixels in the latest training patches predicted right</source>
      <translation>{fit} % de los píxeles con clic en los recortes de entrenamiento más recientes predichos correctamente</translation>
    </message>
    <message>
      <source>{folder} already holds a workspace; it was opened instead</source>
      <translation>{folder} ya contiene un espacio de trabajo; se abrió en su lugar</translation>
    </message>
    <message>
      <source>{folder}: the benchmark folder must be new or empty, or tick 'Resume'</source>
      <translation>{folder}: la carpeta del benchmark debe ser nueva o estar vacía, o marque 'Reanudar'</translation>
    </message>
    <message>
      <source>{folder}: the workspace folder cannot be written ({reason}); choose another folder</source>
      <translation>{folder}: no se puede escribir en la carpeta del espacio de trabajo ({reason}); elija otra carpeta</translation>
    </message>
    <message>
      <source>{folder}: this folder holds a GeoPackage workspace; choose another folder</source>
      <translation>{folder}: esta carpeta contiene un espacio de trabajo GeoPackage; elija otra carpeta</translation>
    </message>
    <message>
      <source>{frame} (row {row}, col {col}): predicted {name}, {reason} (score {score})</source>
      <translation>{frame} (fila {row}, columna {col}): predicho {name}, {reason} (puntuación {score})</translation>
    </message>
    <message>
      <source>{key}: '{layer}' is a {provider} layer; iSAGE reads raster files, so save it as a GeoTIFF first (Export &gt; Save As)</source>
      <translation>{key}: '{layer}' es una capa {provider}; iSAGE lee archivos ráster, así que guárdela antes como GeoTIFF (Exportar &gt; Guardar como)</translation>
    </message>
    <message>
      <source>{key}: not a readable raster layer</source>
      <translation>{key}: no es una capa ráster legible</translation>
    </message>
    <message>
      <source>{kind} from {host}: the imagery of the area is downloaded once into the workspace, then it is a frame like any other.</source>
      <translation>{kind} de {host}: las imágenes del área se descargan una vez en el espacio de trabajo y pasan a ser un marco como cualquier otro.</translation>
    </message>
    <message>
      <source>{labelled} labelled, {unsure} unsure, {left} left of {total} sample points</source>
      <translation>{labelled} etiquetados, {unsure} dudosos, {left} restantes de {total} puntos de muestra</translation>
    </message>
    <message>
      <source>{layer}: cannot copy the points ({reason})</source>
      <translation>{layer}: no se pueden copiar los puntos ({reason})</translation>
    </message>
    <message>
      <source>{layer}: its URL is no tile URL with z, x and y (or -y) placeholders</source>
      <translation>{layer}: su URL no es una URL de teselas con los marcadores z, x e y (o -y)</translation>
    </message>
    <message>
      <source>{layer}: its authentication configuration {id} cannot be read; check it (and the master password) in QGIS's authentication settings</source>
      <translation>{layer}: su configuración de autenticación {id} no se puede leer; revísela (y la contraseña maestra) en la configuración de autenticación de QGIS</translation>
    </message>
    <message>
      <source>{layer}: its authentication configuration {id} has no user name</source>
      <translation>{layer}: su configuración de autenticación {id} no tiene nombre de usuario</translation>
    </message>
    <message>
      <source>{layer}: its authentication method {method} cannot be handed to the engine, which reads a user name and password (Basic) or HTTP header credentials (API header); use one of those</source>
      <translation>{layer}: su método de autenticación {method} no se puede pasar al motor, que lee un usuario y una contraseña (Basic) o credenciales en cabeceras HTTP (API header); use uno de esos</translation>
    </message>
    <message>
      <source>{layer}: its source names no CRS; set the layer's CRS</source>
      <translation>{layer}: su fuente no indica un SRC; defina el SRC de la capa</translation>
    </message>
    <message>
      <source>{layer}: its tile URL has placeholders the engine cannot fill ({names}); it reads URLs with z, x and y (or -y) only</source>
      <translation>{layer}: la URL de sus teselas tiene marcadores que el motor no sabe rellenar ({names}); solo lee URL con z, x e y (o -y)</translation>
    </message>
    <message>
      <source>{layer}: its tile matrices could not be read from the service; check that the layer draws in QGIS</source>
      <translation>{layer}: sus matrices de teselas no se pudieron leer del servicio; compruebe que la capa se dibuja en QGIS</translation>
    </message>
    <message>
      <source>{layer}: no zoom level {zoom}; choose one from {low} to {high}</source>
      <translation>{layer}: no hay nivel de zoom {zoom}; elija uno de {low} a {high}</translation>
    </message>
    <message>
      <source>{layer}: not an XYZ, WMTS or WMS layer</source>
      <translation>{layer}: no es una capa XYZ, WMTS o WMS</translation>
    </message>
    <message>
      <source>{layer}: not an online XYZ, WMTS or WMS layer (its source is {kind} {url}); add such a layer, or save this one to a GeoTIFF</source>
      <translation>{layer}: no es una capa XYZ, WMTS o WMS en línea (su fuente es {kind} {url}); añada una capa así, o guarde esta en un GeoTIFF</translation>
    </message>
    <message>
      <source>{login} ({role}) may not record an assessment design; choose the team's trainer account under Trainer account in the panel's Team (PostGIS)… dialog, or ask the trainer to press Assess map</source>
      <translation>{login} ({role}) no puede registrar un diseño de evaluación; elija la cuenta de entrenador del equipo en Cuenta de entrenador del diálogo Equipo (PostGIS)… del panel, o pida al entrenador que pulse Evaluar el mapa</translation>
    </message>
    <message>
      <source>{login} ({role}) may not record training runs; choose the team's trainer account under Trainer account in the panel's Team (PostGIS)… dialog</source>
      <translation>{login} ({role}) no puede registrar entrenamientos; elija la cuenta de entrenador del equipo en Cuenta de entrenador del diálogo Equipo (PostGIS)… del panel</translation>
    </message>
    <message>
      <source>{megapixels} Mpx in one frame, over the engine's limit of {limit} Mpx; choose a coarser level or a smaller area.</source>
      <translation>{megapixels} Mpx en un marco, por encima del límite del motor de {limit} Mpx; elija un nivel menos detallado o un área menor.</translation>
    </message>
    <message>
      <source>{message}. Checking it…</source>
      <translation>{message}. Comprobándolo…</translation>
    </message>
    <message numerus="yes">
      <source>{names} and %n more</source>
      <translation>
        <numerusform>{names} y %n más</numerusform>
        <numerusform>{names} y %n más</numerusform>
      </translation>
    </message>
    <message>
      <source>{name}: user's accuracy {users}; producer's accuracy {producers}</source>
      <translation>{name}: exactitud del usuario {users}; exactitud del productor {producers}</translation>
    </message>
    <message>
      <source>{path}: cannot open ({reason}); check the file's permissions</source>
      <translation>{path}: no se puede abrir ({reason}); compruebe los permisos del archivo</translation>
    </message>
    <message>
      <source>{path}: cannot read the accuracy assessment ({reason}); is it a GeoPackage?</source>
      <translation>{path}: no se puede leer la evaluación de la exactitud ({reason}); ¿es un GeoPackage?</translation>
    </message>
    <message>
      <source>{path}: cannot read the click record ({reason}); is it a GeoPackage?</source>
      <translation>{path}: no se puede leer el registro de clics ({reason}); ¿es un GeoPackage?</translation>
    </message>
    <message>
      <source>{path}: cannot write the polygons ({reason})</source>
      <translation>{path}: no se pueden escribir los polígonos ({reason})</translation>
    </message>
    <message>
      <source>{path}: class name '{name}' is used by class {id}; choose another name</source>
      <translation>{path}: el nombre de clase '{name}' lo usa la clase {id}; elija otro nombre</translation>
    </message>
    <message>
      <source>{path}: class {id} exists already; choose another id or edit it</source>
      <translation>{path}: la clase {id} ya existe; elija otro id o edítela</translation>
    </message>
    <message>
      <source>{path}: click record is a folder; give the .gpkg file, or create a record first</source>
      <translation>{path}: el registro de clics es una carpeta; indique el archivo .gpkg, o cree primero un registro</translation>
    </message>
    <message>
      <source>{path}: click record not found; give the .gpkg file, or create a record first</source>
      <translation>{path}: registro de clics no encontrado; indique el archivo .gpkg, o cree primero un registro</translation>
    </message>
    <message>
      <source>{path}: click record not found; open an existing clicks.gpkg</source>
      <translation>{path}: registro de clics no encontrado; abra un clicks.gpkg existente</translation>
    </message>
    <message>
      <source>{path}: click record not found; open an existing clicks.gpkg or create a workspace</source>
      <translation>{path}: registro de clics no encontrado; abra un clicks.gpkg existente o cree un espacio de trabajo</translation>
    </message>
    <message>
      <source>{path}: click {uid} was already retracted; nothing to do</source>
      <translation>{path}: el clic {uid} ya estaba retirado; no hay nada que hacer</translation>
    </message>
    <message>
      <source>{path}: clicks are never deleted; saving the deletion of click {fid} will be refused: roll back and retract it instead (right click)</source>
      <translation>{path}: los clics nunca se borran; guardar el borrado del clic {fid} será rechazado: revierta y retírelo en su lugar (clic derecho)</translation>
    </message>
    <message>
      <source>{path}: could not {action} ({reason}); close other programs using it and retry</source>
      <translation>{path}: no se pudo {action} ({reason}); cierre los demás programas que lo usan y vuelva a intentarlo</translation>
    </message>
    <message>
      <source>{path}: could not {action}: not enough disk space; free some space and retry</source>
      <translation>{path}: no se pudo {action}: no hay suficiente espacio en disco; libere espacio y vuelva a intentarlo</translation>
    </message>
    <message>
      <source>{path}: could not {action}: refused by the click record ({reason})</source>
      <translation>{path}: no se pudo {action}: rechazado por el registro de clics ({reason})</translation>
    </message>
    <message>
      <source>{path}: could not {action}: the click record is locked by another program; close it there (or save/stop editing its layers in QGIS) and retry</source>
      <translation>{path}: no se pudo {action}: el registro de clics está bloqueado por otro programa; ciérrelo allí (o guarde/termine la edición de sus capas en QGIS) y vuelva a intentarlo</translation>
    </message>
    <message>
      <source>{path}: could not {action}: the click record is read-only; fix its permissions or work on a copy</source>
      <translation>{path}: no se pudo {action}: el registro de clics es de solo lectura; corrija sus permisos o trabaje en una copia</translation>
    </message>
    <message>
      <source>{path}: edits of layer '{layer}' could not be saved ({reason}); fix or roll them back (retract clicks instead of deleting them), then retry</source>
      <translation>{path}: no se pudieron guardar las ediciones de la capa '{layer}' ({reason}); corríjalas o reviértalas (retire clics en lugar de borrarlos) y vuelva a intentarlo</translation>
    </message>
    <message>
      <source>{path}: iSAGE record without a schema version; restore it from a copy</source>
      <translation>{path}: registro de iSAGE sin versión de esquema; restáurelo a partir de una copia</translation>
    </message>
    <message>
      <source>{path}: iSAGE writes GeoTIFF rasters; choose a file name ending in .tif</source>
      <translation>{path}: iSAGE escribe rásteres GeoTIFF; elija un nombre de archivo terminado en .tif</translation>
    </message>
    <message>
      <source>{path}: invalid class {klass}; give an id &gt;= 0, a name and a colour like '#ff0000'</source>
      <translation>{path}: clase {klass} no válida; indique un id &gt;= 0, un nombre y un color como '#ff0000'</translation>
    </message>
    <message>
      <source>{path}: its clicks layer cannot be read</source>
      <translation>{path}: no se puede leer su capa de clics</translation>
    </message>
    <message>
      <source>{path}: no class {id}; add it first</source>
      <translation>{path}: no existe la clase {id}; añádala primero</translation>
    </message>
    <message>
      <source>{path}: no click with fid {fid}; check the click id</source>
      <translation>{path}: no hay ningún clic con fid {fid}; compruebe el id del clic</translation>
    </message>
    <message>
      <source>{path}: no frame named '{frame}' (frames: {known}); add the frame first</source>
      <translation>{path}: no hay ningún marco llamado '{frame}' (marcos: {known}); añada primero el marco</translation>
    </message>
    <message>
      <source>{path}: no iSAGE PostGIS record pointer here; open the record from its connection</source>
      <translation>{path}: no hay aquí ningún puntero de registro PostGIS de iSAGE; abra el registro desde su conexión</translation>
    </message>
    <message>
      <source>{path}: no readable proposals layer; run Predict (or isage propose) again</source>
      <translation>{path}: ninguna capa de propuestas legible; vuelva a ejecutar Predecir (o isage propose)</translation>
    </message>
    <message>
      <source>{path}: no single PostGIS connection in QGIS reaches this record; open it once with the iSAGE panel's Team (PostGIS)… button, so its connection is known</source>
      <translation>{path}: no hay una única conexión PostGIS en QGIS que llegue a este registro; ábralo una vez con el botón Equipo (PostGIS)… del panel de iSAGE para que se conozca su conexión</translation>
    </message>
    <message>
      <source>{path}: not a raster file on disk; save the layer to a GeoTIFF</source>
      <translation>{path}: no es un archivo ráster en disco; guarde la capa como GeoTIFF</translation>
    </message>
    <message>
      <source>{path}: not an iSAGE PostGIS record pointer</source>
      <translation>{path}: no es un puntero de registro PostGIS de iSAGE</translation>
    </message>
    <message>
      <source>{path}: not an iSAGE click record; open a clicks.gpkg made by iSAGE</source>
      <translation>{path}: no es un registro de clics de iSAGE; abra un clicks.gpkg creado por iSAGE</translation>
    </message>
    <message>
      <source>{path}: not an iSAGE click record; open the workspace's clicks.gpkg</source>
      <translation>{path}: no es un registro de clics de iSAGE; abra el clicks.gpkg del espacio de trabajo</translation>
    </message>
    <message>
      <source>{path}: not an iSAGE proposals file (no {fields}); propose again</source>
      <translation>{path}: no es un archivo de propuestas de iSAGE (sin {fields}); vuelva a proponer</translation>
    </message>
    <message>
      <source>{path}: pixel (row {row}, col {col}) is outside frame '{frame}' ({width}x{height} pixels)</source>
      <translation>{path}: el píxel (fila {row}, columna {col}) está fuera del marco '{frame}' ({width}x{height} píxeles)</translation>
    </message>
    <message>
      <source>{path}: pixel (row {row}, col {col}) of frame '{frame}' is nodata; click on image data</source>
      <translation>{path}: el píxel (fila {row}, columna {col}) del marco '{frame}' es sin datos; haga clic sobre la imagen</translation>
    </message>
    <message>
      <source>{path}: the click record is read-only; fix its permissions or work on a copy</source>
      <translation>{path}: el registro de clics es de solo lectura; corrija sus permisos o trabaje en una copia</translation>
    </message>
    <message>
      <source>{path}: the click record was closed; open it again</source>
      <translation>{path}: el registro de clics se cerró; vuelva a abrirlo</translation>
    </message>
    <message>
      <source>{path}: this folder already points to another record ({schema}); choose another folder</source>
      <translation>{path}: esta carpeta ya apunta a otro registro ({schema}); elija otra carpeta</translation>
    </message>
    <message>
      <source>{path}: this record holds no accuracy assessment yet; create a design first (Assess map in the iSAGE panel, or isage assess design)</source>
      <translation>{path}: este registro aún no contiene ninguna evaluación de la exactitud; cree primero un diseño (Evaluar el mapa en el panel de iSAGE, o isage assess design)</translation>
    </message>
    <message>
      <source>{path}: unknown class {class_id} (classes: {known}); add it first</source>
      <translation>{path}: clase desconocida {class_id} (clases: {known}); añádala primero</translation>
    </message>
    <message>
      <source>{path}: written by a newer iSAGE (record schema {version}, plugin reads {supported}); upgrade the plugin</source>
      <translation>{path}: escrito por un iSAGE más reciente (esquema del registro {version}, el complemento lee {supported}); actualice el complemento</translation>
    </message>
    <message>
      <source>{point}: refused ({reason})</source>
      <translation>{point}: rechazado ({reason})</translation>
    </message>
    <message>
      <source>{problem}; set it in the iSAGE settings (engine Python), set ISAGE_PYTHON, or create the engine environment from the iSAGE panel</source>
      <translation>{problem}; indíquelo en la configuración de iSAGE (Python del motor), defina ISAGE_PYTHON o cree el entorno del motor desde el panel de iSAGE</translation>
    </message>
    <message>
      <source>{reason}; the engine was stopped before it finished</source>
      <translation>{reason}; el motor se detuvo antes de terminar</translation>
    </message>
    <message numerus="yes">
      <source>{remaining} of %n proposals left ({labelled} labelled, {skipped} skipped)</source>
      <translation>
        <numerusform>quedan {remaining} de %n propuesta ({labelled} etiquetadas, {skipped} saltadas)</numerusform>
        <numerusform>quedan {remaining} de %n propuestas ({labelled} etiquetadas, {skipped} saltadas)</numerusform>
      </translation>
    </message>
    <message>
      <source>{size} {units} a pixel</source>
      <translation>{size} {units} por píxel</translation>
    </message>
    <message>
      <source>{step} failed (exit status {code}): {output}; see the iSAGE log messages</source>
      <translation>{step} falló (código de salida {code}): {output}; vea los mensajes de registro de iSAGE</translation>
    </message>
    <message>
      <source>{step} failed ({reason}); the other results are shown</source>
      <translation>{step} falló ({reason}); se muestran los demás resultados</translation>
    </message>
    <message>
      <source>{unresolved} of {clicks} clicks are still predicted wrong (frames {frames})</source>
      <translation>{unresolved} de {clicks} clics aún se predicen mal (marcos {frames})</translation>
    </message>
    <message>
      <source>{value} is not a finite number</source>
      <translation>{value} no es un número finito</translation>
    </message>
    <message>
      <source>{where}: iSAGE record without a schema version</source>
      <translation>{where}: registro de iSAGE sin versión de esquema</translation>
    </message>
    <message>
      <source>{where}: label {fid} was already retracted; nothing to do</source>
      <translation>{where}: la etiqueta {fid} ya estaba retirada; no hay nada que hacer</translation>
    </message>
    <message>
      <source>{where}: no frame named '{frame}'; the record's administrator adds frames</source>
      <translation>{where}: ningún marco llamado '{frame}'; quien administra el registro añade marcos</translation>
    </message>
    <message>
      <source>{where}: no iSAGE record here that this login may read; check the schema name, or ask the administrator to add this login to the team</source>
      <translation>{where}: no hay aquí ningún registro de iSAGE que este usuario pueda leer; revise el nombre del esquema o pida a quien administra que añada este usuario al equipo</translation>
    </message>
    <message>
      <source>{where}: the database cannot be reached or refused the statement ({reason})</source>
      <translation>{where}: la base de datos no está accesible o rechazó la instrucción ({reason})</translation>
    </message>
    <message>
      <source>{where}: written by a newer iSAGE (record schema {version}, plugin reads {supported}); upgrade the plugin</source>
      <translation>{where}: escrito por un iSAGE más reciente (esquema del registro {version}, el complemento lee {supported}); actualice el complemento</translation>
    </message>
    <message>
      <source>{width} × {height} px ({megapixels} Mpx); about {low}–{high} MB to download</source>
      <translation>{width} × {height} px ({megapixels} Mpx); unos {low}–{high} MB por descargar</translation>
    </message>
  </context>
</TS>
