<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pt_BR">
  <context>
    <name>iSAGE</name>
    <message>
      <source> (found only {versions})</source>
      <translation> (encontrado apenas: {versions})</translation>
    </message>
    <message numerus="yes">
      <source>%n frame file(s) of this record not found: {frames}; click "Re-link frames…" in the iSAGE panel and choose the folder that holds them</source>
      <translation>
        <numerusform>%n arquivo de quadro deste registro não encontrado: {frames}; clique em "Religar quadros…" no painel do iSAGE e escolha a pasta que os contém</numerusform>
        <numerusform>%n arquivos de quadro deste registro não encontrados: {frames}; clique em "Religar quadros…" no painel do iSAGE e escolha a pasta que os contém</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n frame(s) downloaded into the workspace: {names} ({megabytes} MB)</source>
      <translation>
        <numerusform>%n quadro baixado para a área de trabalho: {names} ({megabytes} MB)</numerusform>
        <numerusform>%n quadros baixados para a área de trabalho: {names} ({megabytes} MB)</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n frame(s) not found</source>
      <translation>
        <numerusform>%n quadro não encontrado</numerusform>
        <numerusform>%n quadros não encontrados</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n frame(s) re-linked</source>
      <translation>
        <numerusform>%n quadro religado</numerusform>
        <numerusform>%n quadros religados</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n frames, {megapixels} Mpx in all; about {low}–{high} MB to download</source>
      <translation>
        <numerusform>%n quadro, {megapixels} Mpx no total; cerca de {low}–{high} MB a baixar</numerusform>
        <numerusform>%n quadros, {megapixels} Mpx no total; cerca de {low}–{high} MB a baixar</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n points refused</source>
      <translation>
        <numerusform>%n ponto recusado</numerusform>
        <numerusform>%n pontos recusados</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n proposals ({reasons}), {seconds} s per megapixel</source>
      <translation>
        <numerusform>%n proposta ({reasons}), {seconds} s por megapixel</numerusform>
        <numerusform>%n propostas ({reasons}), {seconds} s por megapixel</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n steps</source>
      <translation>
        <numerusform>%n passo</numerusform>
        <numerusform>%n passos</numerusform>
      </translation>
    </message>
    <message>
      <source>'{python}' runs, but cannot import the iSAGE engine (isage_core); choose the Python of the environment where isage is installed, or create the engine environment</source>
      <translation>'{python}' é executado, mas não consegue importar o motor do iSAGE (isage_core); escolha o Python do ambiente onde o isage está instalado ou crie o ambiente do motor</translation>
    </message>
    <message>
      <source>'{python}': the engine answered `info` without an environment report; update isage</source>
      <translation>'{python}': o motor respondeu a `info` sem um relatório do ambiente; atualize o isage</translation>
    </message>
    <message>
      <source>A PostGIS connection saved in QGIS (Browser &gt; PostgreSQL); its login is yours</source>
      <translation>Uma conexão PostGIS salva no QGIS (Navegador &gt; PostgreSQL); o login dela é o seu</translation>
    </message>
    <message>
      <source>A class raster written by 'Predict classes' (class names are read from its tags).</source>
      <translation>Um raster de classes gravado por 'Prever classes' (os nomes das classes são lidos de suas tags).</translation>
    </message>
    <message>
      <source>A class raster written by 'Predict classes' (or any uint8 raster of class ids).</source>
      <translation>Um raster de classes gravado por 'Prever classes' (ou qualquer raster uint8 de ids de classe).</translation>
    </message>
    <message>
      <source>A class with fewer clicks than this on a frame gets a typical pixel, else an uncertain one.</source>
      <translation>Uma classe com menos cliques do que isto em um quadro recebe um pixel típico; caso contrário, um incerto.</translation>
    </message>
    <message>
      <source>A folder on this computer for the models and results (no password is written there)</source>
      <translation>Uma pasta neste computador para os modelos e resultados (nenhuma senha é gravada nela)</translation>
    </message>
    <message>
      <source>A folder with train/ and val/, each holding images/ and masks/ (GeoTIFF or PNG, mask files named as their images, class ids as pixel values, 255 for no data). Empty: the bundled sample.</source>
      <translation>Uma pasta com train/ e val/, cada uma contendo images/ e masks/ (GeoTIFF ou PNG, arquivos de máscara com o nome de suas imagens, ids de classe como valores de pixel, 255 para sem dados). Vazio: a amostra incluída.</translation>
    </message>
    <message>
      <source>A model written by iSAGE (default: the workspace's latest).</source>
      <translation>Um modelo gravado pelo iSAGE (padrão: o mais recente da área de trabalho).</translation>
    </message>
    <message>
      <source>A new (or empty) folder for the report, plot, JSON, CSV and the methods' workspaces, or the folder of a benchmark to resume.</source>
      <translation>Uma pasta nova (ou vazia) para o relatório, o gráfico, o JSON, o CSV e as áreas de trabalho dos métodos, ou a pasta de um benchmark a retomar.</translation>
    </message>
    <message>
      <source>A running Dask scheduler (its address, or the file `dask scheduler --scheduler-file` wrote) that Predict and Train run their predictions on. Frames, models and outputs must be on storage every worker reads at the same paths.</source>
      <translation>Um escalonador Dask em execução (seu endereço, ou o arquivo gravado por `dask scheduler --scheduler-file`) no qual Prever e Treinar executam suas predições. Quadros, modelos e saídas devem estar em um armazenamento que todos os workers leiam nos mesmos caminhos.</translation>
    </message>
    <message>
      <source>A scheduler address (tcp://host:8786) or scheduler file (.json); empty: a local cluster. The default is the scheduler of the iSAGE settings.</source>
      <translation>Um endereço de escalonador (tcp://host:8786) ou arquivo de escalonador (.json); vazio: um cluster local. O padrão é o escalonador das configurações do iSAGE.</translation>
    </message>
    <message>
      <source>Accuracy assessment</source>
      <translation>Avaliação de exatidão</translation>
    </message>
    <message>
      <source>Accuracy assessment report</source>
      <translation>Relatório da avaliação de exatidão</translation>
    </message>
    <message>
      <source>Adam learning rate.</source>
      <translation>Taxa de aprendizado do Adam.</translation>
    </message>
    <message>
      <source>Add a point layer's points as clicks (class field by id or name)</source>
      <translation>Adicionar os pontos de uma camada de pontos como cliques (campo de classe por id ou nome)</translation>
    </message>
    <message>
      <source>Add class</source>
      <translation>Adicionar classe</translation>
    </message>
    <message>
      <source>Add frames from {layer}</source>
      <translation>Adicionar quadros de {layer}</translation>
    </message>
    <message>
      <source>Add frames to the click record</source>
      <translation>Adicionar quadros ao registro de cliques</translation>
    </message>
    <message>
      <source>Add frames…</source>
      <translation>Adicionar quadros…</translation>
    </message>
    <message>
      <source>Add raster layers of the project as frames</source>
      <translation>Adicionar camadas raster do projeto como quadros</translation>
    </message>
    <message numerus="yes">
      <source>Added %n clicks</source>
      <translation>
        <numerusform>%n clique adicionado</numerusform>
        <numerusform>%n cliques adicionados</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Added {clicks} clicks, {retractions} retractions, {frames} frames; %n conflicts</source>
      <translation>
        <numerusform>Adicionados {clicks} cliques, {retractions} retiradas, {frames} quadros; %n conflito</numerusform>
        <numerusform>Adicionados {clicks} cliques, {retractions} retiradas, {frames} quadros; %n conflitos</numerusform>
      </translation>
    </message>
    <message>
      <source>Adds another annotator's clicks, retractions, frames and classes to the workspace's click record. Nothing is deleted or overwritten: clicks are matched by their unique id, and disagreements (two classes on one pixel, a class id with another name, a frame with other pixels) are reported as conflicts for the experts to settle by retracting. The workspace's GeoPackage is modified.</source>
      <translation>Adiciona os cliques, as retiradas, os quadros e as classes de outro anotador ao registro de cliques da área de trabalho. Nada é excluído nem sobrescrito: os cliques são pareados pelo seu id único, e as divergências (duas classes em um pixel, um id de classe com outro nome, um quadro com outros pixels) são relatadas como conflitos para os especialistas resolverem retirando cliques. O GeoPackage da área de trabalho é modificado.</translation>
    </message>
    <message>
      <source>Adds each point of a point layer as a click of the workspace's current iteration, on the pixel of the first frame that contains it (any CRS). The class field holds class ids or class names. Every point is checked first: a point outside every frame, on nodata, of an unknown class, over the budget of one click per class per frame per iteration, or on a pixel that already has a click (duplicate, or conflict when the class differs) is refused and listed, and then nothing is imported unless 'Import the accepted points anyway' is ticked. Each click's note names the file and feature id it came from.</source>
      <translation>Adiciona cada ponto de uma camada de pontos como um clique da iteração atual da área de trabalho, no pixel do primeiro quadro que o contém (qualquer SRC). O campo de classe contém ids ou nomes de classe. Cada ponto é verificado antes: um ponto fora de todos os quadros, sobre sem dados, de uma classe desconhecida, acima da cota de um clique por classe por quadro por iteração, ou sobre um pixel que já tem um clique (duplicado, ou conflito quando a classe difere) é recusado e listado, e então nada é importado a menos que 'Importar os pontos aceitos mesmo assim' esteja marcado. A nota de cada clique indica o arquivo e o id da feição de onde veio.</translation>
    </message>
    <message>
      <source>Allocation</source>
      <translation>Alocação</translation>
    </message>
    <message>
      <source>Allow more than one click per class, frame and iteration</source>
      <translation>Permitir mais de um clique por classe, quadro e iteração</translation>
    </message>
    <message>
      <source>Allow more than the method's budget</source>
      <translation>Permitir mais do que a cota do método</translation>
    </message>
    <message>
      <source>Allow rasters unlike the training frames</source>
      <translation>Permitir rasters diferentes dos quadros de treinamento</translation>
    </message>
    <message>
      <source>Also keep the predicted class raster here (optional).</source>
      <translation>Guardar também aqui o raster de classes previsto (opcional).</translation>
    </message>
    <message>
      <source>Also write Cloud-Optimized GeoTIFFs</source>
      <translation>Gravar também GeoTIFFs otimizados para nuvem (COG)</translation>
    </message>
    <message>
      <source>An NVIDIA GPU was found ({gpu}): choose cuda to train on it.</source>
      <translation>Uma GPU NVIDIA foi encontrada ({gpu}): escolha cuda para treinar nela.</translation>
    </message>
    <message>
      <source>An engine run is in progress; wait for it or cancel it.</source>
      <translation>Uma execução do motor está em andamento; aguarde ou cancele-a.</translation>
    </message>
    <message>
      <source>An engine run is in progress; wait for it.</source>
      <translation>Uma execução do motor está em andamento; aguarde-a.</translation>
    </message>
    <message>
      <source>An iSAGE model (models/iteration_NNN.safetensors of a workspace, written by 'Train model').</source>
      <translation>Um modelo do iSAGE (models/iteration_NNN.safetensors de uma área de trabalho, gravado por 'Treinar o modelo').</translation>
    </message>
    <message>
      <source>Annotator</source>
      <translation>Anotador</translation>
    </message>
    <message>
      <source>Annotator field</source>
      <translation>Campo do anotador</translation>
    </message>
    <message>
      <source>Anticipated standard error of overall accuracy</source>
      <translation>Erro padrão previsto da exatidão global</translation>
    </message>
    <message>
      <source>Anticipated user's accuracy</source>
      <translation>Exatidão do usuário prevista</translation>
    </message>
    <message>
      <source>Area</source>
      <translation>Área</translation>
    </message>
    <message>
      <source>Area of interest</source>
      <translation>Área de interesse</translation>
    </message>
    <message>
      <source>Assess map</source>
      <translation>Avaliar o mapa</translation>
    </message>
    <message>
      <source>Batch size</source>
      <translation>Tamanho do lote</translation>
    </message>
    <message>
      <source>Benchmark click strategies</source>
      <translation>Comparar estratégias de clique (benchmark)</translation>
    </message>
    <message>
      <source>Benchmark folder</source>
      <translation>Pasta do benchmark</translation>
    </message>
    <message>
      <source>Benchmark report: {path}</source>
      <translation>Relatório do benchmark: {path}</translation>
    </message>
    <message>
      <source>Besides the VRTs, one tiled, compressed GeoTIFF with overviews per output.</source>
      <translation>Além dos VRTs, um GeoTIFF em blocos, comprimido e com pirâmides por saída.</translation>
    </message>
    <message>
      <source>Browse…</source>
      <translation>Procurar…</translation>
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
      <translation>Cancelar a criação do ambiente</translation>
    </message>
    <message>
      <source>Cannot open the click record</source>
      <translation>Não é possível abrir o registro de cliques</translation>
    </message>
    <message>
      <source>Cannot undo: {reason}</source>
      <translation>Não é possível desfazer: {reason}</translation>
    </message>
    <message>
      <source>Check engine</source>
      <translation>Verificar o motor</translation>
    </message>
    <message>
      <source>Checking the engine (importing torch)…</source>
      <translation>Verificando o motor (importando o torch)…</translation>
    </message>
    <message>
      <source>Checkpoint of each round</source>
      <translation>Checkpoint de cada rodada</translation>
    </message>
    <message>
      <source>Choose a folder holding the missing frame files (found by content)</source>
      <translation>Escolha uma pasta que contenha os arquivos de quadro ausentes (encontrados pelo conteúdo)</translation>
    </message>
    <message>
      <source>Class</source>
      <translation>Classe</translation>
    </message>
    <message>
      <source>Class field</source>
      <translation>Campo de classe</translation>
    </message>
    <message>
      <source>Class field holds</source>
      <translation>O campo de classe contém</translation>
    </message>
    <message>
      <source>Class ids of the truth on the same pixel grid as the raster (e.g. a dense mask).</source>
      <translation>Ids de classe da verdade na mesma grade de pixels do raster (por exemplo, uma máscara densa).</translation>
    </message>
    <message>
      <source>Class raster</source>
      <translation>Raster de classes</translation>
    </message>
    <message>
      <source>Class {name}: {pixels} pixels, weight {weight:.3f}, {sample} sample points</source>
      <translation>Classe {name}: {pixels} pixels, peso {weight:.3f}, {sample} pontos amostrais</translation>
    </message>
    <message>
      <source>Classes</source>
      <translation>Classes</translation>
    </message>
    <message>
      <source>Classes absent from the map (no stratum, no point): {ids}</source>
      <translation>Classes ausentes do mapa (sem estrato, sem ponto): {ids}</translation>
    </message>
    <message>
      <source>Click not recorded: pixel (row {row}, col {col}) of frame '{frame}' is a point of the accuracy assessment sample, which must stay independent of training; click a neighbouring pixel.</source>
      <translation>Clique não registrado: o pixel (linha {row}, coluna {col}) do quadro '{frame}' é um ponto da amostra da avaliação de exatidão, que deve permanecer independente do treinamento; clique em um pixel vizinho.</translation>
    </message>
    <message>
      <source>Click not recorded: {reason}</source>
      <translation>Clique não registrado: {reason}</translation>
    </message>
    <message>
      <source>Click record</source>
      <translation>Registro de cliques</translation>
    </message>
    <message>
      <source>Click {fid} is someone else's: nothing retracted without a reason.</source>
      <translation>O clique {fid} é de outra pessoa: nada foi retirado sem um motivo.</translation>
    </message>
    <message>
      <source>Click {fid} retracted (it stays in the record, marked retracted).</source>
      <translation>Clique {fid} retirado (ele permanece no registro, marcado como retirado).</translation>
    </message>
    <message>
      <source>Click {fid}: class {class_id} on frame '{frame}', row {row}, col {col}.</source>
      <translation>Clique {fid}: classe {class_id} no quadro '{frame}', linha {row}, coluna {col}.</translation>
    </message>
    <message>
      <source>Clicks</source>
      <translation>Cliques</translation>
    </message>
    <message>
      <source>Clicks added</source>
      <translation>Cliques adicionados</translation>
    </message>
    <message>
      <source>Clicks still predicted wrong</source>
      <translation>Cliques ainda previstos incorretamente</translation>
    </message>
    <message>
      <source>Clicks the model still gets wrong:</source>
      <translation>Cliques que o modelo ainda erra:</translation>
    </message>
    <message>
      <source>Clicks used</source>
      <translation>Cliques usados</translation>
    </message>
    <message>
      <source>Client certificate</source>
      <translation>Certificado do cliente</translation>
    </message>
    <message>
      <source>Client private key</source>
      <translation>Chave privada do cliente</translation>
    </message>
    <message>
      <source>Clip the gradient norm to this; 0: no clipping.</source>
      <translation>Limitar a norma do gradiente a este valor; 0: sem limite.</translation>
    </message>
    <message>
      <source>Colour</source>
      <translation>Cor</translation>
    </message>
    <message>
      <source>Comma list of proposed (label what the engine proposes), expert-confident, expert-interior, expert-random, expert-ritm, expert-depth, hybrid-K (K representative rounds, then expert-depth), random, representative, entropy, pseudo-T (T a confidence threshold, e.g. pseudo-0.95), superpixel and dense.</source>
      <translation>Lista separada por vírgulas de proposed (rotular o que o motor propõe), expert-confident, expert-interior, expert-random, expert-ritm, expert-depth, hybrid-K (K rodadas representativas, depois expert-depth), random, representative, entropy, pseudo-T (T um limiar de confiança, por exemplo pseudo-0.95), superpixel e dense.</translation>
    </message>
    <message>
      <source>Comma list of seeds (seed clicks, pickers and training); several give the mean and spread.</source>
      <translation>Lista separada por vírgulas de sementes (cliques iniciais, seletores e treinamento); várias dão a média e a dispersão.</translation>
    </message>
    <message>
      <source>Compares a predicted class raster with a reference class raster of the same grid and writes the scores as JSON: IoU per class, mIoU over the classes present in either raster, overall accuracy and the confusion matrix. The class names come from the model file or the workspace (give one of them); with a workspace, the number of clicks is reported too. Nodata (255) is not counted.</source>
      <translation>Compara um raster de classes previsto com um raster de classes de referência da mesma grade e grava as métricas em JSON: IoU por classe, mIoU sobre as classes presentes em qualquer um dos rasters, exatidão global e a matriz de confusão. Os nomes das classes vêm do arquivo do modelo ou da área de trabalho (informe um deles); com uma área de trabalho, o número de cliques também é relatado. Sem dados (255) não é contado.</translation>
    </message>
    <message>
      <source>Compute device</source>
      <translation>Dispositivo de cálculo</translation>
    </message>
    <message>
      <source>Confidence heatmap</source>
      <translation>Mapa de calor da confiança</translation>
    </message>
    <message>
      <source>Confident-error heatmap</source>
      <translation>Mapa de calor dos erros confiantes</translation>
    </message>
    <message>
      <source>Conflicts</source>
      <translation>Conflitos</translation>
    </message>
    <message>
      <source>Connection</source>
      <translation>Conexão</translation>
    </message>
    <message>
      <source>Create a workspace: folder, classes, frames</source>
      <translation>Criar uma área de trabalho: pasta, classes, quadros</translation>
    </message>
    <message>
      <source>Create accuracy assessment design</source>
      <translation>Criar um delineamento de avaliação de exatidão</translation>
    </message>
    <message>
      <source>Create engine environment</source>
      <translation>Criar o ambiente do motor</translation>
    </message>
    <message>
      <source>Create the record in this schema (the database's administrator)</source>
      <translation>Criar o registro neste esquema (quem administra o banco de dados)</translation>
    </message>
    <message>
      <source>Created by</source>
      <translation>Criado por</translation>
    </message>
    <message>
      <source>Dask scheduler</source>
      <translation>Escalonador Dask</translation>
    </message>
    <message>
      <source>Dataset folder</source>
      <translation>Pasta do conjunto de dados</translation>
    </message>
    <message>
      <source>Decoder channels</source>
      <translation>Canais do decodificador</translation>
    </message>
    <message>
      <source>Design id</source>
      <translation>Id do delineamento</translation>
    </message>
    <message>
      <source>Design {design} of iteration {iteration} over the visible extent: {size} sample points; anticipated standard error of the overall accuracy {se:.3f}.</source>
      <translation>Delineamento {design} da iteração {iteration} sobre a extensão visível: {size} pontos amostrais; erro padrão previsto da exatidão global {se:.3f}.</translation>
    </message>
    <message>
      <source>Design {design} of iteration {iteration}: {size} sample points; anticipated standard error of the overall accuracy {se:.3f}.</source>
      <translation>Delineamento {design} da iteração {iteration}: {size} pontos amostrais; erro padrão previsto da exatidão global {se:.3f}.</translation>
    </message>
    <message>
      <source>Device</source>
      <translation>Dispositivo</translation>
    </message>
    <message>
      <source>Distance kept from clicks, nodata and other proposals.</source>
      <translation>Distância mantida dos cliques, das áreas sem dados e de outras propostas.</translation>
    </message>
    <message>
      <source>Download</source>
      <translation>Download</translation>
    </message>
    <message>
      <source>Draw the extent on the map, or take the map's or a layer's, with the button at its right</source>
      <translation>Desenhe a extensão no mapa, ou use a do mapa ou a de uma camada, com o botão à direita</translation>
    </message>
    <message>
      <source>Draws a stratified random sample of pixels from an iteration's map, for an independent accuracy assessment (Olofsson et al. 2014): the strata are the map's classes, the points are numbered in a random order and written into the workspace's click record, where neither training nor proposals ever use them (a training click on a sample pixel is refused). Label the points blindly, without looking at the map: 'Assess map' in the iSAGE panel steps through them, or export them with 'isage assess points'. Then 'Accuracy assessment report' estimates overall, user's and producer's accuracy and class areas with 95% confidence intervals. The sample size is given, or follows from the standard error of overall accuracy it should reach with the anticipated user's accuracies.</source>
      <translation>Sorteia uma amostra aleatória estratificada de pixels do mapa de uma iteração, para uma avaliação de exatidão independente (Olofsson et al. 2014): os estratos são as classes do mapa, os pontos são numerados em ordem aleatória e gravados no registro de cliques da área de trabalho, onde nem o treinamento nem as propostas os usam (um clique de treinamento em um pixel da amostra é recusado). Rotule os pontos às cegas, sem olhar o mapa: 'Avaliar o mapa' no painel do iSAGE percorre os pontos, ou exporte-os com 'isage assess points'. Depois, 'Relatório da avaliação de exatidão' estima a exatidão global, do usuário e do produtor e as áreas das classes com intervalos de confiança de 95%. O tamanho da amostra é informado, ou decorre do erro padrão da exatidão global que ela deve atingir com as exatidões do usuário previstas.</translation>
    </message>
    <message>
      <source>Each class gets points in proportion to its mapped area: the most precise overall accuracy, but a rare class may get too few points to estimate its accuracy.</source>
      <translation>Cada classe recebe pontos na proporção de sua área mapeada: a exatidão global mais precisa, mas uma classe rara pode receber pontos de menos para estimar sua exatidão.</translation>
    </message>
    <message>
      <source>Edit class…</source>
      <translation>Editar classe…</translation>
    </message>
    <message>
      <source>Empty: the workspace frames' pixel size when their CRS is in metres.</source>
      <translation>Vazio: o tamanho de pixel dos quadros da área de trabalho quando seu SRC está em metros.</translation>
    </message>
    <message>
      <source>Encoder</source>
      <translation>Codificador</translation>
    </message>
    <message>
      <source>Encoder weights</source>
      <translation>Pesos do codificador</translation>
    </message>
    <message>
      <source>Engine</source>
      <translation>Motor</translation>
    </message>
    <message>
      <source>Engine Python</source>
      <translation>Python do motor</translation>
    </message>
    <message>
      <source>Engine Python (python or python.exe of the isage environment)</source>
      <translation>Python do motor (python ou python.exe do ambiente isage)</translation>
    </message>
    <message>
      <source>Engine Python: {python}</source>
      <translation>Python do motor: {python}</translation>
    </message>
    <message>
      <source>Engine not usable: {reason}</source>
      <translation>Motor inutilizável: {reason}</translation>
    </message>
    <message>
      <source>Environment folder: {folder}</source>
      <translation>Pasta do ambiente: {folder}</translation>
    </message>
    <message>
      <source>Epoch schedule instead of steps (one patch per click per epoch; for GPUs). Empty or 0: use steps.</source>
      <translation>Cronograma em épocas em vez de passos (um recorte por clique por época; para GPUs). Vazio ou 0: usar passos.</translation>
    </message>
    <message>
      <source>Epochs (instead of steps)</source>
      <translation>Épocas (em vez de passos)</translation>
    </message>
    <message>
      <source>Epochs as the method's authors count them: one patch per frame with clicks per epoch, so a round's steps grow with the frames clicked. Empty or 0: use steps.</source>
      <translation>Épocas como os autores do método as contam: um recorte por quadro com cliques por época, de modo que os passos de uma rodada crescem com os quadros clicados. Vazio ou 0: usar passos.</translation>
    </message>
    <message>
      <source>Equal for every class</source>
      <translation>Igual para todas as classes</translation>
    </message>
    <message>
      <source>Error matrix (CSV)</source>
      <translation>Matriz de erros (CSV)</translation>
    </message>
    <message>
      <source>Error weight (lambda)</source>
      <translation>Peso do erro (lambda)</translation>
    </message>
    <message>
      <source>Estimate from the points labelled so far; without it, unlabelled points stop the report.</source>
      <translation>Estimar a partir dos pontos rotulados até agora; sem isso, pontos não rotulados impedem o relatório.</translation>
    </message>
    <message>
      <source>Estimate the map's accuracy from the labels given so far</source>
      <translation>Estimar a exatidão do mapa a partir dos rótulos dados até agora</translation>
    </message>
    <message>
      <source>Estimated from {count} sample points labelled with a class ({unsure} marked unsure are left out).</source>
      <translation>Estimado a partir de {count} pontos amostrais rotulados com uma classe ({unsure} marcados como incertos ficam de fora).</translation>
    </message>
    <message>
      <source>Estimates the accuracy of the map from the labelled points of an accuracy assessment design (Olofsson et al. 2014, stratified estimators): overall accuracy, user's and producer's accuracy per class, and each class's area, each with its standard error and 95% confidence interval, for the reported iteration, and the overall accuracy of every iteration's map on the same sample. Writes JSON, CSV, Markdown and HTML files and a plot to the report folder. Every point must be labelled unless 'Partial' is ticked (the figures then rest on the points labelled so far).</source>
      <translation>Estima a exatidão do mapa a partir dos pontos rotulados de um delineamento de avaliação de exatidão (Olofsson et al. 2014, estimadores estratificados): exatidão global, exatidão do usuário e do produtor por classe e a área de cada classe, cada uma com seu erro padrão e intervalo de confiança de 95%, para a iteração relatada, e a exatidão global do mapa de cada iteração sobre a mesma amostra. Grava arquivos JSON, CSV, Markdown e HTML e um gráfico na pasta do relatório. Todos os pontos devem estar rotulados, a menos que 'Parcial' esteja marcado (os números então se baseiam nos pontos rotulados até agora).</translation>
    </message>
    <message>
      <source>Evaluate a prediction</source>
      <translation>Avaliar uma predição</translation>
    </message>
    <message>
      <source>Evaluation</source>
      <translation>Avaliação</translation>
    </message>
    <message>
      <source>Every class gets the same number of points: the best for comparing classes, but the overall accuracy and areas are less precise.</source>
      <translation>Todas as classes recebem o mesmo número de pontos: o melhor para comparar classes, mas a exatidão global e as áreas são menos precisas.</translation>
    </message>
    <message>
      <source>Every sample point is labelled; the report follows.</source>
      <translation>Todos os pontos amostrais estão rotulados; segue o relatório.</translation>
    </message>
    <message>
      <source>Export model for Deepness (ONNX)</source>
      <translation>Exportar o modelo para o Deepness (ONNX)</translation>
    </message>
    <message>
      <source>Extent</source>
      <translation>Extensão</translation>
    </message>
    <message>
      <source>Extent drawn on the map, typed or from a layer</source>
      <translation>Extensão desenhada no mapa, digitada ou de uma camada</translation>
    </message>
    <message>
      <source>Features of a polygon layer: one frame each</source>
      <translation>Feições de uma camada de polígonos: um quadro para cada</translation>
    </message>
    <message>
      <source>Final loss</source>
      <translation>Perda final</translation>
    </message>
    <message>
      <source>Folder</source>
      <translation>Pasta</translation>
    </message>
    <message>
      <source>Folder holding the missing frames</source>
      <translation>Pasta que contém os quadros ausentes</translation>
    </message>
    <message>
      <source>For a tls:// scheduler (PEM files; the default is the iSAGE settings' file): without the three, a scheduler is reached over plain TCP, which whoever reaches it can run code on.</source>
      <translation>Para um agendador tls:// (arquivos PEM; o padrão é o arquivo das configurações do iSAGE): sem os três, o agendador é alcançado por TCP sem criptografia, no qual quem o alcançar pode executar código.</translation>
    </message>
    <message>
      <source>For a tls:// scheduler: the CA certificate that signed the scheduler's certificate, and this computer's certificate and private key (PEM files, as Dask's security settings take them). Without them only a plain tcp:// scheduler is reached, which whoever reaches it can run code on.</source>
      <translation>Para um agendador tls://: o certificado da AC que assinou o certificado do agendador, e o certificado e a chave privada deste computador (arquivos PEM, como as configurações de segurança do Dask os recebem). Sem eles só se alcança um agendador tcp:// sem criptografia, no qual quem o alcançar pode executar código.</translation>
    </message>
    <message>
      <source>Frame epochs (instead of steps)</source>
      <translation>Épocas por quadro (em vez de passos)</translation>
    </message>
    <message>
      <source>Frame name</source>
      <translation>Nome do quadro</translation>
    </message>
    <message>
      <source>Frames</source>
      <translation>Quadros</translation>
    </message>
    <message>
      <source>Frames ({count}): {names}</source>
      <translation>Quadros ({count}): {names}</translation>
    </message>
    <message>
      <source>Frames not found</source>
      <translation>Quadros não encontrados</translation>
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
      <translation>Informe o arquivo do modelo ou a área de trabalho, para que as classes sejam conhecidas</translation>
    </message>
    <message>
      <source>Give the workspace or the model file to export</source>
      <translation>Informe a área de trabalho ou o arquivo do modelo a exportar</translation>
    </message>
    <message>
      <source>Gradient clip</source>
      <translation>Limite do gradiente</translation>
    </message>
    <message>
      <source>Ground resolution</source>
      <translation>Resolução no terreno</translation>
    </message>
    <message>
      <source>How Assess map draws a new sample of pixels to label; a sample already drawn is kept.</source>
      <translation>Como 'Avaliar o mapa' sorteia uma nova amostra de pixels a rotular; uma amostra já sorteada é mantida.</translation>
    </message>
    <message>
      <source>How many points in all (empty or 0: as many as the target standard error needs).</source>
      <translation>Quantos pontos ao todo (vazio ou 0: tantos quantos o erro padrão alvo exigir).</translation>
    </message>
    <message>
      <source>How many points per class the model predicts on a frame. More than one leaves room for proposals whose class turns out to be clicked already on that frame this round (the budget allows one click per class per frame per round; the panel skips those).</source>
      <translation>Quantos pontos por classe o modelo prevê em um quadro. Mais de um deixa margem para propostas cuja classe já foi clicada naquele quadro nesta rodada (a cota permite um clique por classe por quadro por rodada; o painel as pula).</translation>
    </message>
    <message>
      <source>How many points per frame (empty or 0: the proposals per class times the classes present).</source>
      <translation>Quantos pontos por quadro (vazio ou 0: as propostas por classe vezes as classes presentes).</translation>
    </message>
    <message>
      <source>How the points are shared among the classes: minimum (proportional to the mapped area, but at least the minimum per class), proportional, or equal.</source>
      <translation>Como os pontos são repartidos entre as classes: mínimo (proporcional à área mapeada, mas ao menos o mínimo por classe), proporcional ou igual.</translation>
    </message>
    <message>
      <source>How the sample points are shared among the classes of the map (its strata).</source>
      <translation>Como os pontos amostrais são repartidos entre as classes do mapa (seus estratos).</translation>
    </message>
    <message>
      <source>INPUT: not a readable point layer</source>
      <translation>INPUT: não é uma camada de pontos legível</translation>
    </message>
    <message>
      <source>Import point layer as clicks</source>
      <translation>Importar camada de pontos como cliques</translation>
    </message>
    <message>
      <source>Import points…</source>
      <translation>Importar pontos…</translation>
    </message>
    <message>
      <source>Import the accepted points anyway</source>
      <translation>Importar os pontos aceitos mesmo assim</translation>
    </message>
    <message>
      <source>Import the points that pass even when others are refused (each refusal is still listed).</source>
      <translation>Importar os pontos que passam mesmo quando outros são recusados (cada recusa continua listada).</translation>
    </message>
    <message>
      <source>In proportion to the mapped area, but every class gets at least the minimum below, so that rare classes can be estimated too (adds points when classes are rare).</source>
      <translation>Na proporção da área mapeada, mas cada classe recebe ao menos o mínimo abaixo, para que as classes raras também possam ser estimadas (acrescenta pontos quando há classes raras).</translation>
    </message>
    <message>
      <source>Initial encoder weights of a new model: auto (offline ImageNet weights when packaged, else downloaded, else random), offline, imagenet or none (random).</source>
      <translation>Pesos iniciais do codificador de um novo modelo: auto (pesos ImageNet offline quando incluídos no pacote, senão baixados, senão aleatórios), offline, imagenet ou none (aleatórios).</translation>
    </message>
    <message>
      <source>Iteration</source>
      <translation>Iteração</translation>
    </message>
    <message>
      <source>Iteration of the map</source>
      <translation>Iteração do mapa</translation>
    </message>
    <message>
      <source>Iteration reported in full</source>
      <translation>Iteração relatada por completo</translation>
    </message>
    <message>
      <source>Iteration {iteration}: new clicks train model {iteration}</source>
      <translation>Iteração {iteration}: novos cliques treinam o modelo {iteration}</translation>
    </message>
    <message>
      <source>Iteration {iteration}: overall accuracy {figure}</source>
      <translation>Iteração {iteration}: exatidão global {figure}</translation>
    </message>
    <message>
      <source>JSON files (*.json)</source>
      <translation>Arquivos JSON (*.json)</translation>
    </message>
    <message>
      <source>Keep every result already in the output folder (same settings) and run only what is missing.</source>
      <translation>Manter todos os resultados já presentes na pasta de saída (mesmas configurações) e executar só o que falta.</translation>
    </message>
    <message>
      <source>Keep the parts an identical earlier run into this folder finished (same model, raster and settings; anything else is refused).</source>
      <translation>Manter as partes que uma execução anterior idêntica concluiu nesta pasta (mesmo modelo, raster e configurações; qualquer outra coisa é recusada).</translation>
    </message>
    <message>
      <source>Key</source>
      <translation>Tecla</translation>
    </message>
    <message>
      <source>Label a random sample of pixels without seeing the map (it is hidden meanwhile). The first time, the sample is drawn from the latest map, over the whole frames or the visible extent as chosen under Model, with the sample design of the iSAGE settings.</source>
      <translation>Rotule uma amostra aleatória de pixels sem ver o mapa (ele fica oculto enquanto isso). Na primeira vez, a amostra é sorteada do mapa mais recente, sobre os quadros inteiros ou a extensão visível, conforme escolhido em Modelo, com o delineamento amostral das configurações do iSAGE.</translation>
    </message>
    <message>
      <source>Label of sample point {n} retracted (it stays in the record); label it again.</source>
      <translation>Rótulo do ponto amostral {n} retirado (ele permanece no registro); rotule-o novamente.</translation>
    </message>
    <message>
      <source>Lambda of the Error-Weighted Dice Loss: how much more a clicked pixel the model gets wrong counts than one it gets right (1: plain Dice).</source>
      <translation>Lambda da Error-Weighted Dice Loss: quanto mais conta um pixel clicado que o modelo erra do que um que ele acerta (1: Dice simples).</translation>
    </message>
    <message>
      <source>Last run: {summary}</source>
      <translation>Última execução: {summary}</translation>
    </message>
    <message>
      <source>Learning rate</source>
      <translation>Taxa de aprendizado</translation>
    </message>
    <message>
      <source>Learning-rate schedule</source>
      <translation>Cronograma da taxa de aprendizado</translation>
    </message>
    <message>
      <source>Leave this point for later; it comes back after the others</source>
      <translation>Deixar este ponto para depois; ele volta após os outros</translation>
    </message>
    <message>
      <source>Left click: add a click of the chosen class; right click: retract; keys 1-9: class (and label the proposal or sample point shown); N: next proposal (or skip the sample point); U: sample point unsure; Ctrl+Z: undo</source>
      <translation>Clique esquerdo: adicionar um clique da classe escolhida; clique direito: retirar; teclas 1-9: classe (e rotular a proposta ou o ponto amostral mostrado); N: próxima proposta (ou pular o ponto amostral); U: ponto amostral incerto; Ctrl+Z: desfazer</translation>
    </message>
    <message>
      <source>Let several points of one class into one frame in this iteration.</source>
      <translation>Permitir vários pontos de uma classe em um quadro nesta iteração.</translation>
    </message>
    <message>
      <source>Live training failed: {reason}</source>
      <translation>O treinamento em tempo real falhou: {reason}</translation>
    </message>
    <message>
      <source>Live training is off: {reason}</source>
      <translation>O treinamento em tempo real está desligado: {reason}</translation>
    </message>
    <message numerus="yes">
      <source>Live training of iteration {iteration} rests after {steps} steps, not every one of its %n click(s) fitting; a new click resumes it.</source>
      <translation>
        <numerusform>O treinamento em tempo real da iteração {iteration} está em repouso após {steps} passos, sem que o seu %n clique se ajuste; um novo clique o retoma.</numerusform>
        <numerusform>O treinamento em tempo real da iteração {iteration} está em repouso após {steps} passos, sem que todos os seus %n cliques se ajustem; um novo clique o retoma.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Live training of iteration {iteration} rests: its %n click(s) fit; a new click resumes it.</source>
      <translation>
        <numerusform>O treinamento em tempo real da iteração {iteration} está em repouso: seu %n clique se ajusta; um novo clique o retoma.</numerusform>
        <numerusform>O treinamento em tempo real da iteração {iteration} está em repouso: seus %n cliques se ajustam; um novo clique o retoma.</numerusform>
      </translation>
    </message>
    <message>
      <source>Live training of iteration {iteration} waits for its first click.</source>
      <translation>O treinamento em tempo real da iteração {iteration} aguarda o seu primeiro clique.</translation>
    </message>
    <message numerus="yes">
      <source>Live training of iteration {iteration}: {steps} steps on %n click(s).</source>
      <translation>
        <numerusform>Treinamento em tempo real da iteração {iteration}: {steps} passos sobre %n clique.</numerusform>
        <numerusform>Treinamento em tempo real da iteração {iteration}: {steps} passos sobre %n cliques.</numerusform>
      </translation>
    </message>
    <message>
      <source>Live training pauses while the engine runs a command.</source>
      <translation>O treinamento em tempo real pausa enquanto o motor executa um comando.</translation>
    </message>
    <message>
      <source>Live training waits: {reason}</source>
      <translation>O treinamento em tempo real aguarda: {reason}</translation>
    </message>
    <message>
      <source>Local workers</source>
      <translation>Workers locais</translation>
    </message>
    <message>
      <source>Map accuracy</source>
      <translation>Exatidão do mapa</translation>
    </message>
    <message>
      <source>Map accuracy of iteration {iteration} (overall accuracy): {figure}</source>
      <translation>Exatidão do mapa da iteração {iteration} (exatidão global): {figure}</translation>
    </message>
    <message>
      <source>Matches this plugin ({version}); training works.</source>
      <translation>Corresponde a este plugin ({version}); o treinamento funciona.</translation>
    </message>
    <message>
      <source>Merge click records</source>
      <translation>Mesclar registros de cliques</translation>
    </message>
    <message>
      <source>Merge report</source>
      <translation>Relatório da mesclagem</translation>
    </message>
    <message>
      <source>Methods</source>
      <translation>Métodos</translation>
    </message>
    <message>
      <source>Minimum area (pixels)</source>
      <translation>Área mínima (pixels)</translation>
    </message>
    <message>
      <source>Minimum points per class</source>
      <translation>Mínimo de pontos por classe</translation>
    </message>
    <message>
      <source>Model</source>
      <translation>Modelo</translation>
    </message>
    <message>
      <source>Model file</source>
      <translation>Arquivo do modelo</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Nome</translation>
    </message>
    <message>
      <source>New iSAGE workspace</source>
      <translation>Nova área de trabalho do iSAGE</translation>
    </message>
    <message>
      <source>New…</source>
      <translation>Nova…</translation>
    </message>
    <message>
      <source>Next proposal</source>
      <translation>Próxima proposta</translation>
    </message>
    <message>
      <source>No PostGIS connection in QGIS yet: add one in the Browser (PostgreSQL).</source>
      <translation>Ainda não há conexão PostGIS no QGIS: adicione uma no Navegador (PostgreSQL).</translation>
    </message>
    <message>
      <source>No Python {need} or newer was found besides QGIS's own{old}: install Python 3.12 from python.org (with the py launcher), then press Create engine environment</source>
      <translation>Nenhum Python {need} ou mais recente foi encontrado além do próprio Python do QGIS{old}: instale o Python 3.12 de python.org (com o inicializador py) e depois clique em Criar o ambiente do motor</translation>
    </message>
    <message>
      <source>No Python {need} or newer was found besides QGIS's own{old}: install Python 3.12 from python.org or Homebrew (brew install python@3.12), then press Create engine environment</source>
      <translation>Nenhum Python {need} ou mais recente foi encontrado além do próprio Python do QGIS{old}: instale o Python 3.12 de python.org ou pelo Homebrew (brew install python@3.12) e depois clique em Criar o ambiente do motor</translation>
    </message>
    <message>
      <source>No Python {need} or newer was found{old}: install python3 and python3-venv (Debian/Ubuntu: sudo apt install python3 python3-venv), then press Create engine environment</source>
      <translation>Nenhum Python {need} ou mais recente foi encontrado{old}: instale python3 e python3-venv (Debian/Ubuntu: sudo apt install python3 python3-venv) e depois clique em Criar o ambiente do motor</translation>
    </message>
    <message>
      <source>No accuracy assessment design yet: press Assess map first.</source>
      <translation>Ainda não há delineamento de avaliação de exatidão: pressione Avaliar o mapa primeiro.</translation>
    </message>
    <message>
      <source>No accuracy assessment yet: Assess map draws a sample of pixels to label.</source>
      <translation>Ainda não há avaliação de exatidão: Avaliar o mapa sorteia uma amostra de pixels a rotular.</translation>
    </message>
    <message>
      <source>No area: choose a polygon layer with features (or select some).</source>
      <translation>Nenhuma área: escolha uma camada de polígonos com feições (ou selecione algumas).</translation>
    </message>
    <message>
      <source>No area: pan the map to the imagery or draw an extent.</source>
      <translation>Nenhuma área: mova o mapa até as imagens ou desenhe uma extensão.</translation>
    </message>
    <message>
      <source>No class is chosen: pick one in the iSAGE panel (keys 1-9).</source>
      <translation>Nenhuma classe escolhida: escolha uma no painel do iSAGE (teclas 1-9).</translation>
    </message>
    <message>
      <source>No click here to retract.</source>
      <translation>Nenhum clique aqui para retirar.</translation>
    </message>
    <message>
      <source>No click record is open.</source>
      <translation>Nenhum registro de cliques está aberto.</translation>
    </message>
    <message>
      <source>No click record is open: open or create one in the iSAGE panel.</source>
      <translation>Nenhum registro de cliques está aberto: abra ou crie um no painel do iSAGE.</translation>
    </message>
    <message>
      <source>No click record open: create a workspace or open one.</source>
      <translation>Nenhum registro de cliques aberto: crie uma área de trabalho ou abra uma.</translation>
    </message>
    <message>
      <source>No frame layer of the click record is loaded: nothing recorded; add the record's frames to the map.</source>
      <translation>Nenhuma camada de quadro do registro de cliques está carregada: nada foi registrado; adicione os quadros do registro ao mapa.</translation>
    </message>
    <message>
      <source>No iSAGE engine Python was found</source>
      <translation>Nenhum Python do motor do iSAGE foi encontrado</translation>
    </message>
    <message>
      <source>No label of this session to undo.</source>
      <translation>Nenhum rótulo desta sessão a desfazer.</translation>
    </message>
    <message>
      <source>No map accuracy yet: too few sample points labelled with a class (see below).</source>
      <translation>Ainda não há exatidão do mapa: poucos pontos amostrais rotulados com uma classe (veja abaixo).</translation>
    </message>
    <message>
      <source>No model yet: train one first; the assessment samples its map.</source>
      <translation>Ainda não há modelo: treine um primeiro; a avaliação amostra o mapa dele.</translation>
    </message>
    <message>
      <source>No proposals yet: Predict proposes where to click next.</source>
      <translation>Ainda não há propostas: Prever propõe onde clicar a seguir.</translation>
    </message>
    <message>
      <source>No proposals: the model left nothing worth a click (or every pixel is covered).</source>
      <translation>Nenhuma proposta: o modelo não deixou nada que valha um clique (ou todos os pixels estão cobertos).</translation>
    </message>
    <message>
      <source>No sample point is labelled with a class yet: Assess map and label some.</source>
      <translation>Nenhum ponto amostral foi rotulado com uma classe ainda: use Avaliar o mapa e rotule alguns.</translation>
    </message>
    <message>
      <source>Not retracted: {reason}</source>
      <translation>Não retirado: {reason}</translation>
    </message>
    <message>
      <source>Not usable: {problem}</source>
      <translation>Inutilizável: {problem}</translation>
    </message>
    <message>
      <source>Nothing to undo.</source>
      <translation>Nada a desfazer.</translation>
    </message>
    <message>
      <source>Number of optimisation steps; empty or 0: the engine's schedule (120 for a new model, 60 when warm-starting, about a minute on a laptop CPU for the sample).</source>
      <translation>Número de passos de otimização; vazio ou 0: o cronograma do motor (120 para um novo modelo, 60 ao partir do anterior, cerca de um minuto na CPU de um notebook para a amostra).</translation>
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
      <translation>Wheels offline</translation>
    </message>
    <message>
      <source>One class per line: a name, then optionally a colour #rrggbb</source>
      <translation>Uma classe por linha: um nome e, opcionalmente, uma cor #rrggbb</translation>
    </message>
    <message>
      <source>One engine process stays up for the QGIS session and trains the current iteration in the background, at low priority, on the clicks as you make them; Train then only closes the iteration (saves the model, predicts, proposes).</source>
      <translation>Um processo do motor fica ativo durante a sessão do QGIS e treina a iteração atual em segundo plano, com baixa prioridade, sobre os cliques à medida que você os faz; Treinar então apenas encerra a iteração (grava o modelo, prevê, propõe).</translation>
    </message>
    <message>
      <source>Only predict the part of the raster inside this extent (any CRS: it is reprojected to the raster's). Empty: the whole raster.</source>
      <translation>Prever apenas a parte do raster dentro desta extensão (qualquer SRC: ela é reprojetada para o do raster). Vazio: o raster inteiro.</translation>
    </message>
    <message>
      <source>Only sample inside these polygons (any CRS). Empty: the whole frames (or the extent).</source>
      <translation>Amostrar apenas dentro destes polígonos (qualquer SRC). Vazio: os quadros inteiros (ou a extensão).</translation>
    </message>
    <message>
      <source>Only sample inside this extent (any CRS). Empty: the whole frames.</source>
      <translation>Amostrar apenas dentro desta extensão (qualquer SRC). Vazio: os quadros inteiros.</translation>
    </message>
    <message>
      <source>Only the record's administrator (isage_admin) adds classes and frames; {login} is not one.</source>
      <translation>Só o administrador do registro (isage_admin) adiciona classes e quadros; {login} não é.</translation>
    </message>
    <message>
      <source>Open a team's click record in PostGIS</source>
      <translation>Abrir o registro de cliques de uma equipe no PostGIS</translation>
    </message>
    <message>
      <source>Open a team's click record in PostGIS through a QGIS connection</source>
      <translation>Abrir o registro de cliques de uma equipe no PostGIS por uma conexão do QGIS</translation>
    </message>
    <message>
      <source>Open a workspace's clicks.gpkg</source>
      <translation>Abrir o clicks.gpkg de uma área de trabalho</translation>
    </message>
    <message>
      <source>Open an iSAGE click record</source>
      <translation>Abrir um registro de cliques do iSAGE</translation>
    </message>
    <message>
      <source>Open or create a click record first (or wait for the run to finish).</source>
      <translation>Abra ou crie um registro de cliques primeiro (ou aguarde o fim da execução).</translation>
    </message>
    <message>
      <source>Open or create a click record first.</source>
      <translation>Abra ou crie um registro de cliques primeiro.</translation>
    </message>
    <message>
      <source>Open report</source>
      <translation>Abrir o relatório</translation>
    </message>
    <message>
      <source>Open…</source>
      <translation>Abrir…</translation>
    </message>
    <message>
      <source>Optimisation steps</source>
      <translation>Passos de otimização</translation>
    </message>
    <message>
      <source>Optimisation steps of the first (cold) run; 'Optimisation steps' then sets the later runs. Empty or 0: the engine's schedule.</source>
      <translation>Passos de otimização da primeira execução (a frio); 'Passos de otimização' define então as execuções seguintes. Vazio ou 0: o cronograma do motor.</translation>
    </message>
    <message>
      <source>Optional: the team's trainer account the engine records training runs and assessment designs with: a saved PostGIS connection (its login goes to the engine only) or service=NAME</source>
      <translation>Opcional: a conta de treinador da equipe com que o motor registra treinamentos e desenhos de avaliação: uma conexão PostGIS salva (seu login vai só para o motor) ou service=NOME</translation>
    </message>
    <message>
      <source>Optionally write what was added and every conflict as JSON.</source>
      <translation>Opcionalmente, gravar em JSON o que foi adicionado e cada conflito.</translation>
    </message>
    <message>
      <source>Optionally, the field naming who placed each point.</source>
      <translation>Opcionalmente, o campo que indica quem colocou cada ponto.</translation>
    </message>
    <message>
      <source>Or an imagery service layer (XYZ, WMTS, WMS); its area and zoom are asked next:</source>
      <translation>Ou uma camada de serviço de imagens (XYZ, WMTS, WMS); a área e o zoom são pedidos em seguida:</translation>
    </message>
    <message>
      <source>Other click GeoPackage</source>
      <translation>Outro GeoPackage de cliques</translation>
    </message>
    <message>
      <source>Output folder</source>
      <translation>Pasta de saída</translation>
    </message>
    <message>
      <source>Outputs</source>
      <translation>Saídas</translation>
    </message>
    <message>
      <source>Outside every frame of the click record: nothing recorded; click on a frame layer of the record.</source>
      <translation>Fora de todos os quadros do registro de cliques: nada foi registrado; clique em uma camada de quadro do registro.</translation>
    </message>
    <message>
      <source>Overall accuracy</source>
      <translation>Exatidão global</translation>
    </message>
    <message>
      <source>Overall accuracy (0-1)</source>
      <translation>Exatidão global (0-1)</translation>
    </message>
    <message>
      <source>Overall accuracy of iteration {iteration}: {estimate:.3f} (standard error {se:.3f}, 95% interval {low:.3f} to {high:.3f}), from {labelled} labelled points</source>
      <translation>Exatidão global da iteração {iteration}: {estimate:.3f} (erro padrão {se:.3f}, intervalo de 95% de {low:.3f} a {high:.3f}), a partir de {labelled} pontos rotulados</translation>
    </message>
    <message>
      <source>Overall accuracy, 95% interval high</source>
      <translation>Exatidão global, limite superior do intervalo de 95%</translation>
    </message>
    <message>
      <source>Overall accuracy, 95% interval low</source>
      <translation>Exatidão global, limite inferior do intervalo de 95%</translation>
    </message>
    <message>
      <source>Overlap of neighbouring tiles, blended to hide seams; less than half the tile size.</source>
      <translation>Sobreposição dos blocos vizinhos, mesclada para esconder as emendas; menos da metade do tamanho do bloco.</translation>
    </message>
    <message>
      <source>PEM files (*.pem *.crt *.key);;All files (*)</source>
      <translation>Arquivos PEM (*.pem *.crt *.key);;Todos os arquivos (*)</translation>
    </message>
    <message>
      <source>Pan to the next pixel the engine proposes (key N with the click tool); label it with a class key 1-9 or go on to skip it</source>
      <translation>Ir até o próximo pixel que o motor propõe (tecla N com a ferramenta de clique); rotule-o com uma tecla de classe 1-9 ou siga adiante para pulá-lo</translation>
    </message>
    <message>
      <source>Part size (pixels)</source>
      <translation>Tamanho da parte (pixels)</translation>
    </message>
    <message>
      <source>Partial (not every point labelled)</source>
      <translation>Parcial (nem todos os pontos rotulados)</translation>
    </message>
    <message>
      <source>Partial: {unlabelled} of {points} sample points not labelled yet; these figures will change.</source>
      <translation>Parcial: {unlabelled} de {points} pontos amostrais ainda não rotulados; estes números vão mudar.</translation>
    </message>
    <message>
      <source>Patch size (pixels)</source>
      <translation>Tamanho do recorte (pixels)</translation>
    </message>
    <message>
      <source>Patches per optimisation step.</source>
      <translation>Recortes por passo de otimização.</translation>
    </message>
    <message>
      <source>Plot (PNG)</source>
      <translation>Gráfico (PNG)</translation>
    </message>
    <message>
      <source>Point layer</source>
      <translation>Camada de pontos</translation>
    </message>
    <message>
      <source>Points refused</source>
      <translation>Pontos recusados</translation>
    </message>
    <message>
      <source>Polygons</source>
      <translation>Polígonos</translation>
    </message>
    <message>
      <source>Predict</source>
      <translation>Prever</translation>
    </message>
    <message>
      <source>Predict a mosaic on a cluster</source>
      <translation>Prever um mosaico em um cluster</translation>
    </message>
    <message>
      <source>Predict and Train then also run `isage propose`: up to one point per predicted class and frame, stepped through with 'Next proposal'. It costs about one more prediction pass.</source>
      <translation>Prever e Treinar então também executam `isage propose`: até um ponto por classe prevista e quadro, percorridos com 'Próxima proposta'. Custa cerca de uma passada de predição a mais.</translation>
    </message>
    <message>
      <source>Predict classes</source>
      <translation>Prever classes</translation>
    </message>
    <message>
      <source>Predict with the latest model</source>
      <translation>Prever com o modelo mais recente</translation>
    </message>
    <message>
      <source>Predicted class raster</source>
      <translation>Raster de classes previsto</translation>
    </message>
    <message>
      <source>Prediction backend</source>
      <translation>Backend de predição</translation>
    </message>
    <message>
      <source>Prediction precision (OpenVINO)</source>
      <translation>Precisão numérica da predição (OpenVINO)</translation>
    </message>
    <message>
      <source>Predicts the raster with an iSAGE model and compares it with a reference class raster of the same grid: the heatmap is the model's confidence where its class differs from the reference and 0 where it agrees, so the brightest pixels are where it is confidently wrong, the clicks that teach it most. The reference's nodata (255) is ignored.</source>
      <translation>Prevê o raster com um modelo do iSAGE e o compara com um raster de classes de referência da mesma grade: o mapa de calor é a confiança do modelo onde sua classe difere da referência e 0 onde concorda, de modo que os pixels mais claros são onde ele erra com confiança, os cliques que mais o ensinam. O valor sem dados da referência (255) é ignorado.</translation>
    </message>
    <message>
      <source>Press a class key (1-9) to label it, N for the next one.</source>
      <translation>Pressione uma tecla de classe (1-9) para rotulá-la, N para a próxima.</translation>
    </message>
    <message>
      <source>Press the key (1-9) of the class you see there, U if unsure, N to skip it for now.</source>
      <translation>Pressione a tecla (1-9) da classe que você vê ali, U se estiver em dúvida, N para pulá-lo por enquanto.</translation>
    </message>
    <message>
      <source>Press “Check engine” to see which engine, torch and device are used.</source>
      <translation>Pressione “Verificar o motor” para ver qual motor, torch e dispositivo são usados.</translation>
    </message>
    <message>
      <source>Proportional to the mapped area</source>
      <translation>Proporcional à área mapeada</translation>
    </message>
    <message>
      <source>Proportional, with a minimum</source>
      <translation>Proporcional, com um mínimo</translation>
    </message>
    <message>
      <source>Proposals</source>
      <translation>Propostas</translation>
    </message>
    <message>
      <source>Proposals per class present</source>
      <translation>Propostas por classe presente</translation>
    </message>
    <message>
      <source>Proposals per frame</source>
      <translation>Propostas por quadro</translation>
    </message>
    <message>
      <source>Propose clicks</source>
      <translation>Propor cliques</translation>
    </message>
    <message>
      <source>Propose where to click next after each prediction</source>
      <translation>Propor onde clicar a seguir após cada predição</translation>
    </message>
    <message>
      <source>Proposes where the next clicks would help most, from the workspace's latest model and its frames alone (no reference): by default one point per class the model predicts on each frame. Each has a score and a reason: 'typical' (a common kind of pixel no click covers yet, proposed while a class has few clicks on the frame), 'changed' (the class flipped since the previous iteration) or 'uncertain' (the model hesitates between two classes). Proposals keep a distance from every click, from nodata and from each other. They are written to outputs/iteration_NNN/proposals.gpkg of the workspace (or the file given), never into the click record: label them with the click tool (the panel steps through them with 'Next proposal').</source>
      <translation>Propõe onde os próximos cliques mais ajudariam, a partir apenas do modelo mais recente da área de trabalho e de seus quadros (sem referência): por padrão, um ponto por classe que o modelo prevê em cada quadro. Cada um tem uma pontuação e um motivo: 'typical' (um tipo comum de pixel que nenhum clique cobre ainda, proposto enquanto uma classe tem poucos cliques no quadro), 'changed' (a classe mudou desde a iteração anterior) ou 'uncertain' (o modelo hesita entre duas classes). As propostas mantêm distância de todos os cliques, das áreas sem dados e umas das outras. Elas são gravadas em outputs/iteration_NNN/proposals.gpkg da área de trabalho (ou no arquivo informado), nunca no registro de cliques: rotule-as com a ferramenta de clique (o painel as percorre com 'Próxima proposta').</translation>
    </message>
    <message>
      <source>Python {version} at {path} (a system Python managed by the distribution) cannot create environments: {fix}, then press Create engine environment</source>
      <translation>O Python {version} em {path} (um Python do sistema gerenciado pela distribuição) não consegue criar ambientes: {fix} e depois clique em Criar o ambiente do motor</translation>
    </message>
    <message>
      <source>Python {version} at {path} cannot create environments: {fix}, then press Create engine environment</source>
      <translation>O Python {version} em {path} não consegue criar ambientes: {fix} e depois clique em Criar o ambiente do motor</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>Semente aleatória</translation>
    </message>
    <message>
      <source>Raster</source>
      <translation>Raster</translation>
    </message>
    <message>
      <source>Raster layers of the project (file-based) to add as frames:</source>
      <translation>Camadas raster do projeto (baseadas em arquivo) a adicionar como quadros:</translation>
    </message>
    <message>
      <source>Raster or VRT mosaic</source>
      <translation>Raster ou mosaico VRT</translation>
    </message>
    <message>
      <source>Re-link frames…</source>
      <translation>Religar quadros…</translation>
    </message>
    <message>
      <source>Reference class raster</source>
      <translation>Raster de classes de referência</translation>
    </message>
    <message>
      <source>Regions smaller than this many pixels are merged into their neighbours first (0: keep all).</source>
      <translation>Regiões menores do que este número de pixels são primeiro fundidas às vizinhas (0: manter todas).</translation>
    </message>
    <message>
      <source>Report</source>
      <translation>Relatório</translation>
    </message>
    <message>
      <source>Report (HTML)</source>
      <translation>Relatório (HTML)</translation>
    </message>
    <message>
      <source>Report (JSON)</source>
      <translation>Relatório (JSON)</translation>
    </message>
    <message>
      <source>Report (Markdown)</source>
      <translation>Relatório (Markdown)</translation>
    </message>
    <message>
      <source>Report folder</source>
      <translation>Pasta do relatório</translation>
    </message>
    <message>
      <source>Resolution (cm/px)</source>
      <translation>Resolução (cm/px)</translation>
    </message>
    <message>
      <source>Restart engine</source>
      <translation>Reiniciar o motor</translation>
    </message>
    <message>
      <source>Results (JSON)</source>
      <translation>Resultados (JSON)</translation>
    </message>
    <message>
      <source>Resume</source>
      <translation>Retomar</translation>
    </message>
    <message>
      <source>Resume the benchmark in the folder</source>
      <translation>Retomar o benchmark da pasta</translation>
    </message>
    <message>
      <source>Retract another person's click</source>
      <translation>Retirar o clique de outra pessoa</translation>
    </message>
    <message>
      <source>Retract the last label given here and show its point again</source>
      <translation>Retirar o último rótulo dado aqui e mostrar seu ponto novamente</translation>
    </message>
    <message>
      <source>Retractions added</source>
      <translation>Retiradas adicionadas</translation>
    </message>
    <message>
      <source>Rounds, the shared seed round included.</source>
      <translation>Rodadas, incluindo a rodada inicial comum.</translation>
    </message>
    <message>
      <source>Running the iSAGE engine: isage </source>
      <translation>Executando o motor do iSAGE: isage </translation>
    </message>
    <message>
      <source>Runs an iSAGE model over a large raster or a VRT mosaic on a Dask cluster. The raster is cut into parts (whole blocks of the one-computer prediction, so the pixels are the same), each computed by a worker and written to the output folder; at the end a VRT over the parts is written for the classes and for the confidence (optionally also one Cloud-Optimized GeoTIFF each). A stopped run goes on where it stopped with 'Resume'.

Scheduler: the address of a running scheduler (tcp://host:8786, started with `dask scheduler`) or the file `dask scheduler --scheduler-file` wrote; empty: a local cluster of 'Local workers' processes on this computer. The raster, the model and the output folder must be on storage every worker reads at the same paths. A VRT mosaic whose sources lie in different CRSs is refused.</source>
      <translation>Executa um modelo do iSAGE sobre um raster grande ou um mosaico VRT em um cluster Dask. O raster é dividido em partes (blocos inteiros da predição em um só computador, de modo que os pixels são os mesmos), cada uma calculada por um worker e gravada na pasta de saída; no fim, um VRT sobre as partes é gravado para as classes e para a confiança (opcionalmente também um GeoTIFF otimizado para nuvem de cada). Uma execução interrompida continua de onde parou com 'Retomar'.

Escalonador: o endereço de um escalonador em execução (tcp://host:8786, iniciado com `dask scheduler`) ou o arquivo gravado por `dask scheduler --scheduler-file`; vazio: um cluster local de 'Workers locais' processos neste computador. O raster, o modelo e a pasta de saída devem estar em um armazenamento que todos os workers leiam nos mesmos caminhos. Um mosaico VRT cujas fontes estejam em SRCs diferentes é recusado.</translation>
    </message>
    <message>
      <source>Runs an iSAGE model over a raster (tiles blended across their overlap) and writes a class raster (uint8 class ids with the model's colours, 255 nodata) and a confidence heatmap (0-1, the probability of the predicted class). Give an extent to refresh only part of a large raster.

The raster must have the bands the model was trained on.</source>
      <translation>Executa um modelo do iSAGE sobre um raster (blocos mesclados na sua sobreposição) e grava um raster de classes (ids de classe uint8 com as cores do modelo, 255 sem dados) e um mapa de calor da confiança (0-1, a probabilidade da classe prevista). Informe uma extensão para atualizar apenas parte de um raster grande.

O raster deve ter as bandas com que o modelo foi treinado.</translation>
    </message>
    <message>
      <source>Runs the iSAGE loop with simulated annotators on images with dense reference masks and compares ways of placing the clicks: labelling what the engine proposes (the recommended strategy), the simulated expert's strategies, and baselines: uniform random clicks, the entropy oracle, pseudo-labels, clicks spread over superpixels, and dense supervision (the ceiling). Every method starts from the same seed clicks and model, and gets the same training steps.

The output folder receives benchmark.md (the report), benchmark.png (mIoU against iteration, labelled pixels and wall time), benchmark.json and benchmark.csv. Without a dataset, the bundled BsB Aerial sample is used. This takes long: about an hour on two CPU cores with the defaults. Each method's result is kept as it finishes: 'Resume' goes on with the benchmark already in the output folder, running only what is missing.</source>
      <translation>Executa o ciclo do iSAGE com anotadores simulados sobre imagens com máscaras de referência densas e compara maneiras de posicionar os cliques: rotular o que o motor propõe (a estratégia recomendada), as estratégias do especialista simulado e referências de base: cliques aleatórios uniformes, o oráculo de entropia, pseudorrótulos, cliques espalhados por superpixels e supervisão densa (o teto). Todos os métodos partem dos mesmos cliques iniciais e do mesmo modelo, e recebem os mesmos passos de treinamento.

A pasta de saída recebe benchmark.md (o relatório), benchmark.png (mIoU em função da iteração, dos pixels rotulados e do tempo decorrido), benchmark.json e benchmark.csv. Sem um conjunto de dados, é usada a amostra BsB Aerial incluída. Isto demora: cerca de uma hora em dois núcleos de CPU com os padrões. O resultado de cada método é guardado assim que termina: 'Retomar' continua o benchmark já presente na pasta de saída, executando só o que falta.</translation>
    </message>
    <message>
      <source>Sample of iteration {iteration}'s map (design {design}): {counter}.</source>
      <translation>Amostra do mapa da iteração {iteration} (delineamento {design}): {counter}.</translation>
    </message>
    <message>
      <source>Sample point {n} of {total}: frame {frame}, row {row}, col {col}.</source>
      <translation>Ponto amostral {n} de {total}: quadro {frame}, linha {row}, coluna {col}.</translation>
    </message>
    <message>
      <source>Sample points</source>
      <translation>Pontos amostrais</translation>
    </message>
    <message>
      <source>Sample points labelled (unsure ones included)</source>
      <translation>Pontos amostrais rotulados (incluindo os incertos)</translation>
    </message>
    <message>
      <source>Sample points not labelled</source>
      <translation>Pontos amostrais não rotulados</translation>
    </message>
    <message>
      <source>Sample size (points)</source>
      <translation>Tamanho da amostra (pontos)</translation>
    </message>
    <message>
      <source>Save clicks, train the next iteration, then predict</source>
      <translation>Salvar os cliques, treinar a próxima iteração e depois prever</translation>
    </message>
    <message>
      <source>Scheduler CA certificate</source>
      <translation>Certificado da AC do agendador</translation>
    </message>
    <message>
      <source>Schema</source>
      <translation>Esquema</translation>
    </message>
    <message>
      <source>Schema {schema} already holds a click record; it was opened instead.</source>
      <translation>O esquema {schema} já contém um registro de cliques; ele foi aberto em vez disso.</translation>
    </message>
    <message>
      <source>Score on the last N training frames instead of the validation split (for tuning a recipe without looking at the validation split). Empty or 0: score on val.</source>
      <translation>Pontuar nos últimos N quadros de treinamento em vez da divisão de validação (para ajustar uma receita sem olhar a divisão de validação). Vazio ou 0: pontuar em val.</translation>
    </message>
    <message>
      <source>Scores</source>
      <translation>Métricas</translation>
    </message>
    <message>
      <source>Seed clicks</source>
      <translation>Cliques iniciais</translation>
    </message>
    <message>
      <source>Seeds</source>
      <translation>Sementes</translation>
    </message>
    <message>
      <source>Selected features only</source>
      <translation>Somente feições selecionadas</translation>
    </message>
    <message>
      <source>Show the map again; the labels given so far stay</source>
      <translation>Mostrar o mapa novamente; os rótulos dados até agora permanecem</translation>
    </message>
    <message>
      <source>Show what the model being trained predicts where I click</source>
      <translation>Mostrar o que o modelo em treinamento prevê onde eu clico</translation>
    </message>
    <message>
      <source>Side of the square parts the workers compute, one at a time each (memory grows with it).</source>
      <translation>Lado das partes quadradas que os workers calculam, uma por vez cada um (a memória cresce com ele).</translation>
    </message>
    <message>
      <source>Side of the square patches cut around the clicks.</source>
      <translation>Lado dos recortes quadrados feitos em torno dos cliques.</translation>
    </message>
    <message>
      <source>Side of the tiles the network sees.</source>
      <translation>Lado dos blocos que a rede vê.</translation>
    </message>
    <message>
      <source>Skip (N)</source>
      <translation>Pular (N)</translation>
    </message>
    <message>
      <source>Spacing (pixels)</source>
      <translation>Espaçamento (pixels)</translation>
    </message>
    <message>
      <source>Standard error of overall accuracy</source>
      <translation>Erro padrão da exatidão global</translation>
    </message>
    <message>
      <source>Start from the latest model of the workspace (uncheck to train a new network, e.g. with another encoder).</source>
      <translation>Partir do modelo mais recente da área de trabalho (desmarque para treinar uma nova rede, por exemplo com outro codificador).</translation>
    </message>
    <message>
      <source>Start the engine again; clicks and models are intact</source>
      <translation>Iniciar o motor novamente; cliques e modelos estão intactos</translation>
    </message>
    <message>
      <source>Step cap (converge)</source>
      <translation>Limite de passos (converge)</translation>
    </message>
    <message>
      <source>Step schedule</source>
      <translation>Cronograma de passos</translation>
    </message>
    <message>
      <source>Steps of the seed round</source>
      <translation>Passos da rodada inicial</translation>
    </message>
    <message>
      <source>Stop assessing</source>
      <translation>Parar a avaliação</translation>
    </message>
    <message>
      <source>Stop the engine; earlier models and results stay</source>
      <translation>Parar o motor; modelos e resultados anteriores são mantidos</translation>
    </message>
    <message>
      <source>Stored as Deepness's overlap percentage.</source>
      <translation>Armazenada como a porcentagem de sobreposição do Deepness.</translation>
    </message>
    <message>
      <source>Target standard error</source>
      <translation>Erro padrão alvo</translation>
    </message>
    <message>
      <source>Target standard error of overall accuracy</source>
      <translation>Erro padrão alvo da exatidão global</translation>
    </message>
    <message>
      <source>Team (PostGIS)…</source>
      <translation>Equipe (PostGIS)…</translation>
    </message>
    <message>
      <source>The colleague's click GeoPackage (their workspace's clicks.gpkg) to merge in; it is only read.</source>
      <translation>O GeoPackage de cliques do colega (o clicks.gpkg da área de trabalho dele) a mesclar; ele é apenas lido.</translation>
    </message>
    <message>
      <source>The converge schedule's cap.</source>
      <translation>O limite do cronograma converge.</translation>
    </message>
    <message>
      <source>The design to report (its id or a unique prefix). Empty: the newest design.</source>
      <translation>O delineamento a relatar (seu id ou um prefixo único). Vazio: o delineamento mais recente.</translation>
    </message>
    <message>
      <source>The engine ended the command without a result.</source>
      <translation>O motor encerrou o comando sem um resultado.</translation>
    </message>
    <message>
      <source>The engine made no design: see the iSAGE log messages.</source>
      <translation>O motor não criou nenhum delineamento: veja as mensagens de log do iSAGE.</translation>
    </message>
    <message>
      <source>The engine refuses rasters whose band count, data type or values differ from the model's training frames; tick to use them anyway (recorded in the run and in the outputs' metadata).</source>
      <translation>O motor recusa rasters cujo número de bandas, tipo de dado ou valores diferem dos quadros de treinamento do modelo; marque para usá-los mesmo assim (registrado na execução e nos metadados das saídas).</translation>
    </message>
    <message>
      <source>The engine stopped; Train restarts it, or press Restart engine.</source>
      <translation>O motor parou; Treinar o reinicia, ou clique em Reiniciar o motor.</translation>
    </message>
    <message>
      <source>The fewest points any class gets with the minimum allocation; a higher minimum means more points in all when some classes are rare.</source>
      <translation>O menor número de pontos que qualquer classe recebe com a alocação mínima; um mínimo maior significa mais pontos ao todo quando algumas classes são raras.</translation>
    </message>
    <message>
      <source>The field holding each point's class: its id or its name in the workspace's class table.</source>
      <translation>O campo com a classe de cada ponto: seu id ou seu nome na tabela de classes da área de trabalho.</translation>
    </message>
    <message>
      <source>The frame name may hold letters, digits, _, . and - only.</source>
      <translation>O nome do quadro só pode ter letras, dígitos, _, . e -.</translation>
    </message>
    <message>
      <source>The full report: error matrix, class areas, plots</source>
      <translation>O relatório completo: matriz de erros, áreas das classes, gráficos</translation>
    </message>
    <message>
      <source>The iSAGE engine Python '{python}' does not exist or is not executable</source>
      <translation>O Python do motor do iSAGE '{python}' não existe ou não é executável</translation>
    </message>
    <message>
      <source>The iSAGE engine stopped unexpectedly (exit status {code}) without reporting an error (its last words: {words}); see the iSAGE log messages for its output</source>
      <translation>O motor do iSAGE parou inesperadamente (código de saída {code}) sem relatar um erro (suas últimas palavras: {words}); veja a saída dele nas mensagens de log do iSAGE</translation>
    </message>
    <message>
      <source>The iSAGE engine stopped unexpectedly (exit status {code}) without reporting an error; see the iSAGE log messages for its output</source>
      <translation>O motor do iSAGE parou inesperadamente (código de saída {code}) sem relatar um erro; veja a saída dele nas mensagens de log do iSAGE</translation>
    </message>
    <message>
      <source>The iSAGE method allows one; overriding it is recorded nowhere else.</source>
      <translation>O método iSAGE permite um; ultrapassar isso não é registrado em nenhum outro lugar.</translation>
    </message>
    <message>
      <source>The imagery to classify (a GDAL raster file with the model's bands).</source>
      <translation>As imagens a classificar (um arquivo raster GDAL com as bandas do modelo).</translation>
    </message>
    <message>
      <source>The imagery to classify: a GeoTIFF, or a VRT mosaic of many (one CRS), with the model's bands.</source>
      <translation>As imagens a classificar: um GeoTIFF, ou um mosaico VRT de vários (um só SRC), com as bandas do modelo.</translation>
    </message>
    <message>
      <source>The iteration whose map gets the full report (classes, areas, error matrix). Empty: the newest.</source>
      <translation>A iteração cujo mapa recebe o relatório completo (classes, áreas, matriz de erros). Vazio: a mais recente.</translation>
    </message>
    <message>
      <source>The iteration whose map's classes are the strata (empty: the newest with a map of every frame).</source>
      <translation>A iteração cujas classes do mapa são os estratos (vazio: a mais recente com um mapa de todos os quadros).</translation>
    </message>
    <message>
      <source>The model whose classes name the scores (give this or the workspace).</source>
      <translation>O modelo cujas classes nomeiam as métricas (informe este ou a área de trabalho).</translation>
    </message>
    <message>
      <source>The points: a GeoPackage, shapefile, GeoJSON or CSV layer (others are copied to a GeoPackage).</source>
      <translation>Os pontos: uma camada GeoPackage, shapefile, GeoJSON ou CSV (as demais são copiadas para um GeoPackage).</translation>
    </message>
    <message>
      <source>The random seed of the sample: the same seed, map and settings draw the same points; change it to draw a different sample.</source>
      <translation>A semente aleatória da amostra: a mesma semente, mapa e configurações sorteiam os mesmos pontos; altere-a para sortear uma amostra diferente.</translation>
    </message>
    <message>
      <source>The record has a frame named {name} already; choose another name.</source>
      <translation>O registro já tem um quadro chamado {name}; escolha outro nome.</translation>
    </message>
    <message>
      <source>The record's CRS as an EPSG code, e.g. EPSG:31983</source>
      <translation>O SRC do registro como código EPSG, p. ex. EPSG:31983</translation>
    </message>
    <message>
      <source>The run succeeded but its results could not be shown: {reason}</source>
      <translation>A execução foi bem-sucedida, mas seus resultados não puderam ser mostrados: {reason}</translation>
    </message>
    <message>
      <source>The same seed, map and options draw the same sample.</source>
      <translation>A mesma semente, mapa e opções sorteiam a mesma amostra.</translation>
    </message>
    <message>
      <source>The same seed, model and clicks give the same proposals.</source>
      <translation>A mesma semente, modelo e cliques dão as mesmas propostas.</translation>
    </message>
    <message>
      <source>The schema holding the record, as the administrator named it</source>
      <translation>O esquema que contém o registro, com o nome dado por quem o administra</translation>
    </message>
    <message>
      <source>The standard error of overall accuracy the sample should reach: how precise the overall accuracy estimate should be; it sets the number of sample points. A smaller standard error needs more points: 0.025 gives a 95% interval of about ±5 percentage points, 0.0125 about four times as many points for ±2.5.</source>
      <translation>O erro padrão da exatidão global que a amostra deve atingir: quão precisa deve ser a estimativa da exatidão global; ele define o número de pontos amostrais. Um erro padrão menor exige mais pontos: 0,025 dá um intervalo de 95% de cerca de ±5 pontos percentuais; 0,0125, cerca de quatro vezes mais pontos para ±2,5.</translation>
    </message>
    <message>
      <source>The standard error of the overall accuracy estimate the sample should reach (0.025: a 95% interval of about ±5 points); used when no sample size is given.</source>
      <translation>O erro padrão da estimativa da exatidão global que a amostra deve atingir (0,025: um intervalo de 95% de cerca de ±5 pontos); usado quando nenhum tamanho de amostra é informado.</translation>
    </message>
    <message>
      <source>The truth: class ids on the same pixel grid as the prediction.</source>
      <translation>A verdade: ids de classe na mesma grade de pixels da predição.</translation>
    </message>
    <message>
      <source>The user's accuracy expected of each class, for the sample size: one value for all, or class:value pairs such as 1:0.7,2:0.9 (the others get 0.85).</source>
      <translation>A exatidão do usuário esperada de cada classe, para o tamanho da amostra: um valor para todas, ou pares classe:valor como 1:0.7,2:0.9 (as demais recebem 0.85).</translation>
    </message>
    <message>
      <source>The user's accuracy you expect of each class, used only to work out the number of points. A lower value needs more points; if the map turns out better, the interval is narrower than the target.</source>
      <translation>A exatidão do usuário que você espera de cada classe, usada apenas para calcular o número de pontos. Um valor menor exige mais pontos; se o mapa se mostrar melhor, o intervalo fica mais estreito que o alvo.</translation>
    </message>
    <message>
      <source>The workspace receiving the clicks: its click GeoPackage (clicks.gpkg) or folder.</source>
      <translation>A área de trabalho que recebe os cliques: seu GeoPackage de cliques (clicks.gpkg) ou sua pasta.</translation>
    </message>
    <message>
      <source>The workspace that receives the clicks: its click GeoPackage (clicks.gpkg) or its folder.</source>
      <translation>A área de trabalho que recebe os cliques: seu GeoPackage de cliques (clicks.gpkg) ou sua pasta.</translation>
    </message>
    <message>
      <source>The workspace whose classes name the scores and whose clicks are counted (or give the model).</source>
      <translation>A área de trabalho cujas classes nomeiam as métricas e cujos cliques são contados (ou informe o modelo).</translation>
    </message>
    <message>
      <source>The workspace whose latest model to export (or give the model file).</source>
      <translation>A área de trabalho cujo modelo mais recente será exportado (ou informe o arquivo do modelo).</translation>
    </message>
    <message>
      <source>The workspace's click GeoPackage (clicks.gpkg) or the workspace folder holding it.</source>
      <translation>O GeoPackage de cliques da área de trabalho (clicks.gpkg) ou a pasta da área de trabalho que o contém.</translation>
    </message>
    <message>
      <source>This copy of the plugin carries no engine (a development checkout): use the repository's .venv, or install the plugin zip made by `make package`.</source>
      <translation>Esta cópia do plugin não traz motor (uma cópia de desenvolvimento): use o .venv do repositório, ou instale o zip do plugin gerado por `make package`.</translation>
    </message>
    <message>
      <source>Tile overlap (pixels)</source>
      <translation>Sobreposição dos blocos (pixels)</translation>
    </message>
    <message>
      <source>Tile side Deepness runs (multiple of 32).</source>
      <translation>Lado do bloco que o Deepness processa (múltiplo de 32).</translation>
    </message>
    <message>
      <source>Tile size (pixels)</source>
      <translation>Tamanho do bloco (pixels)</translation>
    </message>
    <message>
      <source>Tiles per network call (lower it if memory runs out).</source>
      <translation>Blocos por chamada da rede (reduza se a memória acabar).</translation>
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
      <translation>Treinar</translation>
    </message>
    <message>
      <source>Train model from clicks</source>
      <translation>Treinar o modelo a partir dos cliques</translation>
    </message>
    <message>
      <source>Train while I click (live training)</source>
      <translation>Treinar enquanto eu clico (treinamento em tempo real)</translation>
    </message>
    <message>
      <source>Trainer account</source>
      <translation>Conta de treinador</translation>
    </message>
    <message>
      <source>Training frames (most)</source>
      <translation>Quadros de treinamento (máximo)</translation>
    </message>
    <message>
      <source>Training time budget</source>
      <translation>Tempo máximo de treinamento</translation>
    </message>
    <message>
      <source>Trains the model of the workspace's current iteration from every unretracted click of this and earlier iterations, warm-starting from the latest model. The clicks are the only labels: each is one pixel an expert marked. Clicks added afterwards belong to the next iteration.

Outputs the model file (models/iteration_NNN.safetensors in the workspace) and the iteration number.</source>
      <translation>Treina o modelo da iteração atual da área de trabalho a partir de todos os cliques não retirados desta iteração e das anteriores, partindo do modelo mais recente. Os cliques são os únicos rótulos: cada um é um pixel marcado por um especialista. Cliques adicionados depois pertencem à próxima iteração.

Produz o arquivo do modelo (models/iteration_NNN.safetensors na área de trabalho) e o número da iteração.</translation>
    </message>
    <message>
      <source>Tune on held-out training frames</source>
      <translation>Ajustar em quadros de treinamento reservados</translation>
    </message>
    <message>
      <source>Turns a class raster into polygons: one per connected region (4-neighbour) of each class, with the class id, class name and area in square metres and hectares (on the ellipsoid for a geographic CRS). Regions smaller than the minimum area are first merged into their neighbours. Works in strips, so rasters larger than memory are fine. Nodata is skipped.</source>
      <translation>Converte um raster de classes em polígonos: um por região conexa (vizinhança 4) de cada classe, com o id da classe, o nome da classe e a área em metros quadrados e hectares (sobre o elipsoide para um SRC geográfico). Regiões menores que a área mínima são antes fundidas às vizinhas. Trabalha em faixas, então rasters maiores que a memória não são problema. Sem dados é ignorado.</translation>
    </message>
    <message>
      <source>Typical proposals below this many clicks</source>
      <translation>Propostas típicas abaixo deste número de cliques</translation>
    </message>
    <message>
      <source>U-Net decoder channels of a new model, comma-separated (e.g. 64,32,16,16,8); empty: the architecture's default.</source>
      <translation>Canais do decodificador U-Net de um novo modelo, separados por vírgula (por exemplo 64,32,16,16,8); vazio: o padrão da arquitetura.</translation>
    </message>
    <message>
      <source>Undo label</source>
      <translation>Desfazer o rótulo</translation>
    </message>
    <message>
      <source>Undone: click {fid} retracted.</source>
      <translation>Desfeito: clique {fid} retirado.</translation>
    </message>
    <message>
      <source>Undone: the retracted click is back as click {fid}.</source>
      <translation>Desfeito: o clique retirado voltou como clique {fid}.</translation>
    </message>
    <message>
      <source>Unsaved clicks</source>
      <translation>Cliques não salvos</translation>
    </message>
    <message>
      <source>Unsure (U)</source>
      <translation>Incerto (U)</translation>
    </message>
    <message>
      <source>Update engine</source>
      <translation>Atualizar o motor</translation>
    </message>
    <message>
      <source>Use only the first N.</source>
      <translation>Usar apenas os N primeiros.</translation>
    </message>
    <message>
      <source>Validation frames (most)</source>
      <translation>Quadros de validação (máximo)</translation>
    </message>
    <message>
      <source>Vectorize classes</source>
      <translation>Vetorizar classes</translation>
    </message>
    <message>
      <source>Visible extent</source>
      <translation>Extensão visível</translation>
    </message>
    <message>
      <source>Visible map extent</source>
      <translation>Extensão visível do mapa</translation>
    </message>
    <message>
      <source>Wall time (s)</source>
      <translation>Tempo decorrido (s)</translation>
    </message>
    <message>
      <source>Warm start</source>
      <translation>Partida a quente</translation>
    </message>
    <message>
      <source>Where the network runs: 'settings' uses the device chosen in the iSAGE settings (default auto: a CUDA GPU, else Apple MPS, else the CPU).</source>
      <translation>Onde a rede é executada: 'settings' usa o dispositivo escolhido nas configurações do iSAGE (padrão auto: uma GPU CUDA, senão Apple MPS, senão a CPU).</translation>
    </message>
    <message>
      <source>Where the parts and the VRTs go (the VRTs read the parts: keep them together).</source>
      <translation>Para onde vão as partes e os VRTs (os VRTs leem as partes: mantenha-os juntos).</translation>
    </message>
    <message>
      <source>Where to click next</source>
      <translation>Onde clicar a seguir</translation>
    </message>
    <message>
      <source>Where to write the class raster (GeoTIFF).</source>
      <translation>Onde gravar o raster de classes (GeoTIFF).</translation>
    </message>
    <message>
      <source>Where to write the confidence heatmap (GeoTIFF, 0-1); skip it to write only the classes.</source>
      <translation>Onde gravar o mapa de calor da confiança (GeoTIFF, 0-1); omita-o para gravar apenas as classes.</translation>
    </message>
    <message>
      <source>Where to write the heatmap (GeoTIFF, 0-1).</source>
      <translation>Onde gravar o mapa de calor (GeoTIFF, 0-1).</translation>
    </message>
    <message>
      <source>Where to write the model (.onnx); the .isage.json sidecar goes beside it.</source>
      <translation>Onde gravar o modelo (.onnx); o arquivo auxiliar .isage.json fica ao lado dele.</translation>
    </message>
    <message>
      <source>Where to write the points (empty: outputs/iteration_NNN/proposals.gpkg of the workspace).</source>
      <translation>Onde gravar os pontos (vazio: outputs/iteration_NNN/proposals.gpkg da área de trabalho).</translation>
    </message>
    <message>
      <source>Where to write the polygons (GeoPackage; other formats are converted from it).</source>
      <translation>Onde gravar os polígonos (GeoPackage; outros formatos são convertidos a partir dele).</translation>
    </message>
    <message>
      <source>Where to write the report files (empty: outputs/assessment/&lt;design&gt; of the workspace).</source>
      <translation>Onde gravar os arquivos do relatório (vazio: outputs/assessment/&lt;design&gt; da área de trabalho).</translation>
    </message>
    <message>
      <source>Where to write the scores (JSON).</source>
      <translation>Onde gravar as métricas (JSON).</translation>
    </message>
    <message>
      <source>Who creates the design (empty: the annotator of the iSAGE settings).</source>
      <translation>Quem cria o delineamento (vazio: o anotador das configurações do iSAGE).</translation>
    </message>
    <message>
      <source>Who made the points, when no annotator field is given.</source>
      <translation>Quem fez os pontos, quando nenhum campo de anotador é informado.</translation>
    </message>
    <message>
      <source>Whole frames</source>
      <translation>Quadros inteiros</translation>
    </message>
    <message>
      <source>Why is click {fid} by {annotator} wrong? (kept with the retraction)</source>
      <translation>Por que o clique {fid} de {annotator} está errado? (guardado com a retirada)</translation>
    </message>
    <message>
      <source>With live training: every few seconds, the layer 'iSAGE live preview' shows the current model's classes around the newest click (a small prediction each time).</source>
      <translation>Com o treinamento em tempo real: a cada poucos segundos, a camada 'Prévia ao vivo do iSAGE' mostra as classes do modelo atual em torno do clique mais recente (uma pequena predição a cada vez).</translation>
    </message>
    <message>
      <source>With the minimum allocation: the fewest points any class gets.</source>
      <translation>Com a alocação mínima: o menor número de pontos que qualquer classe recebe.</translation>
    </message>
    <message>
      <source>Without live training, Train trains until the clicks fit or the loss settles, for at most this many seconds.</source>
      <translation>Sem o treinamento em tempo real, Treinar treina até que os cliques se ajustem ou a perda se estabilize, por no máximo este número de segundos.</translation>
    </message>
    <message>
      <source>Worker processes of the local cluster (without a scheduler).</source>
      <translation>Processos workers do cluster local (sem escalonador).</translation>
    </message>
    <message>
      <source>Workspace</source>
      <translation>Área de trabalho</translation>
    </message>
    <message>
      <source>Workspace (clicks.gpkg or its folder)</source>
      <translation>Área de trabalho (clicks.gpkg ou sua pasta)</translation>
    </message>
    <message>
      <source>Workspace folder</source>
      <translation>Pasta da área de trabalho</translation>
    </message>
    <message>
      <source>Workspace folder (clicks.gpkg, models, outputs)</source>
      <translation>Pasta da área de trabalho (clicks.gpkg, modelos, saídas)</translation>
    </message>
    <message>
      <source>Workspace folder (models, outputs)</source>
      <translation>Pasta da área de trabalho (modelos, resultados)</translation>
    </message>
    <message>
      <source>Writes a model as an ONNX segmentation model for the Deepness plugin: its band selection and normalisation are built in, so Deepness's own input scaling (values / 255) gives the classes iSAGE predicts, 16-bit imagery included. Class names, resolution, tile size and overlap are stored as the metadata Deepness reads ('Load default parameters' there applies them). The iSAGE metadata (classes, colours, bands, normalisation, iteration, clicks) goes into a .isage.json file beside it. Give the workspace (its latest model) or a model file.</source>
      <translation>Grava um modelo como modelo de segmentação ONNX para o plugin Deepness: sua seleção de bandas e normalização vêm embutidas, de modo que a própria escala de entrada do Deepness (valores / 255) dá as classes que o iSAGE prevê, inclusive para imagens de 16 bits. Nomes das classes, resolução, tamanho do bloco e sobreposição são armazenados como os metadados que o Deepness lê ('Load default parameters' lá os aplica). Os metadados do iSAGE (classes, cores, bandas, normalização, iteração, cliques) vão para um arquivo .isage.json ao lado dele. Informe a área de trabalho (seu modelo mais recente) ou um arquivo de modelo.</translation>
    </message>
    <message>
      <source>XYZ tiles</source>
      <translation>Tiles XYZ</translation>
    </message>
    <message>
      <source>You cannot tell the class here</source>
      <translation>Não é possível identificar a classe aqui</translation>
    </message>
    <message>
      <source>Zoom level</source>
      <translation>Nível de zoom</translation>
    </message>
    <message>
      <source>Zoom levels of the layer: {low} to {high}</source>
      <translation>Níveis de zoom da camada: {low} a {high}</translation>
    </message>
    <message>
      <source>a library it needs does not import</source>
      <translation>uma biblioteca de que ele precisa não é importada</translation>
    </message>
    <message>
      <source>accuracy assessment design</source>
      <translation>delineamento da avaliação de exatidão</translation>
    </message>
    <message>
      <source>accuracy assessment report</source>
      <translation>relatório da avaliação de exatidão</translation>
    </message>
    <message>
      <source>add at least one frame raster to the record</source>
      <translation>adicione ao menos um raster de quadro ao registro</translation>
    </message>
    <message>
      <source>add frames</source>
      <translation>adicionar quadros</translation>
    </message>
    <message>
      <source>add the click</source>
      <translation>adicionar o clique</translation>
    </message>
    <message>
      <source>add the frame rasters (GeoTIFF...) or an XYZ, WMTS or WMS layer to the project first</source>
      <translation>adicione primeiro ao projeto os rasters dos quadros (GeoTIFF...) ou uma camada XYZ, WMTS ou WMS</translation>
    </message>
    <message>
      <source>an engine run is in progress; wait for it or cancel it</source>
      <translation>uma execução do motor está em andamento; aguarde ou cancele-a</translation>
    </message>
    <message>
      <source>authors: the method authors' sample recipe, replacing the training options (the report lists what this machine trims).</source>
      <translation>authors: a receita da amostra dos autores do método, substituindo as opções de treinamento (o relatório lista o que esta máquina reduz).</translation>
    </message>
    <message>
      <source>auto: OpenVINO (else onnxruntime) on a CPU, running the model's graph, exported once and cached beside it (small jobs use PyTorch); PyTorch on a GPU. torch, onnxruntime or openvino force one.</source>
      <translation>auto: OpenVINO (senão onnxruntime) em uma CPU, executando o grafo do modelo, exportado uma vez e guardado em cache ao lado dele (tarefas pequenas usam PyTorch); PyTorch em uma GPU. torch, onnxruntime ou openvino forçam um deles.</translation>
    </message>
    <message>
      <source>auto: bfloat16 where the CPU computes it (AMX, AVX-512 BF16) and a check against float32 passes, else float32. f32 never reduces the precision; bf16 insists (the run fails if the check does).</source>
      <translation>auto: bfloat16 onde a CPU o calcula (AMX, AVX-512 BF16) e uma verificação contra float32 passa, senão float32. f32 nunca reduz a precisão; bf16 insiste (a execução falha se a verificação falhar).</translation>
    </message>
    <message>
      <source>auto: class ids when every value is a whole number, else class names (case does not matter).</source>
      <translation>auto: ids de classe quando todos os valores são números inteiros, senão nomes de classe (maiúsculas e minúsculas não importam).</translation>
    </message>
    <message>
      <source>cancelled</source>
      <translation>cancelado</translation>
    </message>
    <message>
      <source>cancelled before the next step</source>
      <translation>cancelado antes do próximo passo</translation>
    </message>
    <message>
      <source>cancelled; earlier models, results and clicks are intact</source>
      <translation>cancelado; modelos, resultados e cliques anteriores estão intactos</translation>
    </message>
    <message>
      <source>cancelled; the engine environment is incomplete, build it again to finish it</source>
      <translation>cancelado; o ambiente do motor está incompleto, crie-o novamente para concluí-lo</translation>
    </message>
    <message>
      <source>cancelled; the engine was stopped before it finished</source>
      <translation>cancelado; o motor foi parado antes de terminar</translation>
    </message>
    <message>
      <source>cannot run {command}: {reason}</source>
      <translation>não foi possível executar {command}: {reason}</translation>
    </message>
    <message>
      <source>check cancelled</source>
      <translation>verificação cancelada</translation>
    </message>
    <message>
      <source>checking that the engine imports</source>
      <translation>verificando se o motor é importado</translation>
    </message>
    <message>
      <source>checking the engine</source>
      <translation>verificando o motor</translation>
    </message>
    <message>
      <source>checking what would be downloaded</source>
      <translation>verificando o que seria baixado</translation>
    </message>
    <message>
      <source>choose CPU or CUDA torch in the iSAGE settings</source>
      <translation>escolha o torch para CPU ou CUDA nas configurações do iSAGE</translation>
    </message>
    <message>
      <source>click at least once for every class (none yet: {classes})</source>
      <translation>clique ao menos uma vez em cada classe (nenhum ainda: {classes})</translation>
    </message>
    <message>
      <source>click {fid} cannot be retracted by {login}: {reason}</source>
      <translation>o clique {fid} não pode ser retirado por {login}: {reason}</translation>
    </message>
    <message>
      <source>click {fid} is {annotator}'s; only a reviewer retracts another person's click, with a reason</source>
      <translation>o clique {fid} é de {annotator}; só um revisor retira o clique de outra pessoa, com um motivo</translation>
    </message>
    <message>
      <source>cosine: decays within each run to 5% of the rate (measured better on the sample); constant: the same rate for every step.</source>
      <translation>cosine: decai dentro de cada execução até 5% da taxa (medido como melhor na amostra); constant: a mesma taxa em todos os passos.</translation>
    </message>
    <message>
      <source>create the accuracy assessment design</source>
      <translation>criar o delineamento da avaliação de exatidão</translation>
    </message>
    <message>
      <source>create workspace</source>
      <translation>criar a área de trabalho</translation>
    </message>
    <message>
      <source>creating the environment {folder}</source>
      <translation>criando o ambiente {folder}</translation>
    </message>
    <message>
      <source>empty: predict on this computer; tcp://host:8786 or a .json file</source>
      <translation>vazio: prever neste computador; tcp://host:8786 ou um arquivo .json</translation>
    </message>
    <message>
      <source>empty: the package index; or a folder of wheels (offline)</source>
      <translation>vazio: o índice de pacotes; ou uma pasta de wheels (offline)</translation>
    </message>
    <message>
      <source>ewdl: the Error-Weighted Dice Loss of the method; ce: cross-entropy on the clicks.</source>
      <translation>ewdl: a Error-Weighted Dice Loss do método; ce: entropia cruzada nos cliques.</translation>
    </message>
    <message>
      <source>fetch frame {name}</source>
      <translation>baixar o quadro {name}</translation>
    </message>
    <message>
      <source>fit on its training clicks {percent}%</source>
      <translation>ajuste aos seus cliques de treinamento {percent}%</translation>
    </message>
    <message>
      <source>fixed: the steps above; converge: those steps are a floor, and a run trains on at a constant rate until its clicks fit and the loss settles, then decays the rate, never past the cap.</source>
      <translation>fixed: os passos acima; converge: esses passos são um piso, e uma execução continua treinando a uma taxa constante até que seus cliques se ajustem e a perda se estabilize, depois reduz a taxa, nunca além do limite.</translation>
    </message>
    <message>
      <source>found automatically (ISAGE_PYTHON, the managed environment, isage on PATH)</source>
      <translation>encontrado automaticamente (ISAGE_PYTHON, o ambiente gerenciado, isage no PATH)</translation>
    </message>
    <message>
      <source>frame '{frame}' already has a click of class {class_id} in iteration {iteration} (click {fid}); one click per class per frame per iteration: retract it first (right click), or turn on the budget override in the iSAGE settings</source>
      <translation>o quadro '{frame}' já tem um clique da classe {class_id} na iteração {iteration} (clique {fid}); um clique por classe por quadro por iteração: retire-o primeiro (clique direito) ou ative a liberação da cota nas configurações do iSAGE</translation>
    </message>
    <message>
      <source>give at least one class before creating a workspace</source>
      <translation>informe ao menos uma classe antes de criar uma área de trabalho</translation>
    </message>
    <message>
      <source>iSAGE assessment sample</source>
      <translation>Amostra da avaliação do iSAGE</translation>
    </message>
    <message>
      <source>iSAGE class {id}</source>
      <translation>Classe {id} do iSAGE</translation>
    </message>
    <message>
      <source>iSAGE click</source>
      <translation>Clique do iSAGE</translation>
    </message>
    <message>
      <source>iSAGE click tool</source>
      <translation>Ferramenta de clique do iSAGE</translation>
    </message>
    <message>
      <source>iSAGE clicks</source>
      <translation>Cliques do iSAGE</translation>
    </message>
    <message>
      <source>iSAGE engine</source>
      <translation>Motor do iSAGE</translation>
    </message>
    <message>
      <source>iSAGE iteration {iteration}</source>
      <translation>Iteração {iteration} do iSAGE</translation>
    </message>
    <message>
      <source>iSAGE live preview</source>
      <translation>Prévia ao vivo do iSAGE</translation>
    </message>
    <message>
      <source>iSAGE metadata (JSON)</source>
      <translation>Metadados do iSAGE (JSON)</translation>
    </message>
    <message>
      <source>iSAGE panel</source>
      <translation>Painel do iSAGE</translation>
    </message>
    <message>
      <source>iSAGE proposals</source>
      <translation>Propostas do iSAGE</translation>
    </message>
    <message>
      <source>iSAGE settings</source>
      <translation>Configurações do iSAGE</translation>
    </message>
    <message>
      <source>iSAGE settings: engine, device, annotator, budget</source>
      <translation>Configurações do iSAGE: motor, dispositivo, anotador, cota</translation>
    </message>
    <message>
      <source>iSAGE settings…</source>
      <translation>Configurações do iSAGE…</translation>
    </message>
    <message>
      <source>iSAGE {isage} ({distribution}), Python {python}, torch {torch} ({torch_build} build)</source>
      <translation>iSAGE {isage} ({distribution}), Python {python}, torch {torch} (build {torch_build})</translation>
    </message>
    <message>
      <source>iSAGE: checking the engine</source>
      <translation>iSAGE: verificando o motor</translation>
    </message>
    <message>
      <source>iSAGE: iterative sparse annotation guided by an expert</source>
      <translation>iSAGE: anotação esparsa iterativa guiada por um especialista</translation>
    </message>
    <message>
      <source>install the python3-venv package (sudo apt install python{version}-venv)</source>
      <translation>instale o pacote python3-venv (sudo apt install python{version}-venv)</translation>
    </message>
    <message>
      <source>installing the iSAGE engine {version} and its libraries (this can take several minutes)</source>
      <translation>instalando o motor do iSAGE {version} e suas bibliotecas (isto pode levar vários minutos)</translation>
    </message>
    <message numerus="yes">
      <source>iteration {iteration} trained on {clicks} clicks; %n of them still predicted wrong (listed in the iSAGE panel)</source>
      <translation>
        <numerusform>iteração {iteration} treinada com {clicks} cliques; %n deles ainda previsto incorretamente (listado no painel do iSAGE)</numerusform>
        <numerusform>iteração {iteration} treinada com {clicks} cliques; %n deles ainda previstos incorretamente (listados no painel do iSAGE)</numerusform>
      </translation>
    </message>
    <message>
      <source>iteration {iteration} {kind}</source>
      <translation>iteração {iteration} {kind}</translation>
    </message>
    <message>
      <source>iteration {iteration} {kind} ({crs})</source>
      <translation>iteração {iteration} {kind} ({crs})</translation>
    </message>
    <message numerus="yes">
      <source>iteration {iteration}: %n clicks</source>
      <translation>
        <numerusform>iteração {iteration}: %n clique</numerusform>
        <numerusform>iteração {iteration}: %n cliques</numerusform>
      </translation>
    </message>
    <message>
      <source>labelled</source>
      <translation>rotulado</translation>
    </message>
    <message>
      <source>last: the round's last weights (what a user gets); reference: the weights scoring best on the scoring split's reference masks during training (the paper's protocol, which no user can run).</source>
      <translation>last: os pesos finais da rodada (o que um usuário obtém); reference: os pesos com a melhor pontuação nas máscaras de referência da divisão de pontuação durante o treinamento (o protocolo do artigo, que nenhum usuário pode executar).</translation>
    </message>
    <message>
      <source>loss {loss}</source>
      <translation>perda {loss}</translation>
    </message>
    <message>
      <source>mIoU</source>
      <translation>mIoU</translation>
    </message>
    <message>
      <source>mIoU {miou}, overall accuracy {accuracy}</source>
      <translation>mIoU {miou}, exatidão global {accuracy}</translation>
    </message>
    <message>
      <source>missing on disk: {frames}</source>
      <translation>ausentes no disco: {frames}</translation>
    </message>
    <message>
      <source>no</source>
      <translation>não</translation>
    </message>
    <message>
      <source>no PostGIS connection named '{name}' in QGIS; add it in the Browser (PostgreSQL) first</source>
      <translation>nenhuma conexão PostGIS chamada '{name}' no QGIS; adicione-a primeiro no Navegador (PostgreSQL)</translation>
    </message>
    <message>
      <source>no area to fetch: choose an extent or polygon features</source>
      <translation>nenhuma área a baixar: escolha uma extensão ou feições de polígonos</translation>
    </message>
    <message>
      <source>no iSAGE engine Python was found; set it below or create the engine environment</source>
      <translation>nenhum Python do motor do iSAGE foi encontrado; defina-o abaixo ou crie o ambiente do motor</translation>
    </message>
    <message>
      <source>no model trained yet</source>
      <translation>nenhum modelo treinado ainda</translation>
    </message>
    <message>
      <source>no model yet: click every class at least once, then Train</source>
      <translation>ainda não há modelo: clique em cada classe ao menos uma vez e depois em Treinar</translation>
    </message>
    <message>
      <source>no output</source>
      <translation>sem saída</translation>
    </message>
    <message>
      <source>no proposal left: Train or Predict proposes new ones</source>
      <translation>nenhuma proposta restante: Treinar ou Prever propõe novas</translation>
    </message>
    <message>
      <source>no raster layer in the project yet</source>
      <translation>ainda não há camada raster no projeto</translation>
    </message>
    <message>
      <source>no reason given</source>
      <translation>nenhum motivo informado</translation>
    </message>
    <message>
      <source>no sample point labelled as it</source>
      <translation>nenhum ponto amostral rotulado com ela</translation>
    </message>
    <message>
      <source>no sample point mapped as it</source>
      <translation>nenhum ponto amostral mapeado como ela</translation>
    </message>
    <message>
      <source>none</source>
      <translation>nenhum</translation>
    </message>
    <message>
      <source>none yet</source>
      <translation>nenhum ainda</translation>
    </message>
    <message>
      <source>not on the team</source>
      <translation>fora da equipe</translation>
    </message>
    <message>
      <source>open or create a click record first</source>
      <translation>abra ou crie um registro de cliques primeiro</translation>
    </message>
    <message>
      <source>press Update engine in the iSAGE settings</source>
      <translation>clique em Atualizar o motor nas configurações do iSAGE</translation>
    </message>
    <message>
      <source>propose where to click next</source>
      <translation>propor onde clicar a seguir</translation>
    </message>
    <message>
      <source>re-link frames</source>
      <translation>religar quadros</translation>
    </message>
    <message>
      <source>reinstall it with the venv and ensurepip modules (python.org installer)</source>
      <translation>reinstale-o com os módulos venv e ensurepip (instalador do python.org)</translation>
    </message>
    <message>
      <source>retract the click</source>
      <translation>retirar o clique</translation>
    </message>
    <message>
      <source>retract the label</source>
      <translation>retirar o rótulo</translation>
    </message>
    <message>
      <source>save the classes</source>
      <translation>salvar as classes</translation>
    </message>
    <message>
      <source>schema name '{schema}' is not a plain lower-case SQL name; give one like 'isage' or 'city_2026'</source>
      <translation>o nome de esquema '{schema}' não é um nome SQL simples em minúsculas; use um como 'isage' ou 'city_2026'</translation>
    </message>
    <message>
      <source>segmentation-models-pytorch encoder of a new model (a warm start keeps the previous model's network); tu-efficientnet_lite2 is the larger one with offline weights.</source>
      <translation>codificador segmentation-models-pytorch de um novo modelo (uma partida a quente mantém a rede do modelo anterior); tu-efficientnet_lite2 é o maior com pesos offline.</translation>
    </message>
    <message>
      <source>simulated: one click per class per frame, a random pixel inside the class; human: the bundled sample's clicks by the method's authors (bundled sample only).</source>
      <translation>simulated: um clique por classe por quadro, um pixel aleatório dentro da classe; human: os cliques da amostra incluída feitos pelos autores do método (somente a amostra incluída).</translation>
    </message>
    <message>
      <source>still missing: {frames} (choose the folder holding them)</source>
      <translation>ainda ausentes: {frames} (escolha a pasta que os contém)</translation>
    </message>
    <message>
      <source>text with a NUL character cannot be stored; remove it</source>
      <translation>um texto com o caractere NUL não pode ser gravado; remova-o</translation>
    </message>
    <message>
      <source>the CPU build from PyTorch's CPU index (torch about {cpu_mb} MB)</source>
      <translation>a build para CPU do índice de CPU do PyTorch (torch com cerca de {cpu_mb} MB)</translation>
    </message>
    <message>
      <source>the CUDA build, for an NVIDIA GPU (about {cuda_gb} GB of downloads)</source>
      <translation>a build CUDA, para uma GPU NVIDIA (cerca de {cuda_gb} GB de downloads)</translation>
    </message>
    <message>
      <source>the data provider refused the edit</source>
      <translation>o provedor de dados recusou a edição</translation>
    </message>
    <message>
      <source>the engine failed</source>
      <translation>o motor falhou</translation>
    </message>
    <message>
      <source>the environment's engine is version '{found}', the plugin's is {expected}; build it again</source>
      <translation>o motor do ambiente é a versão '{found}', a do plugin é {expected}; crie-o novamente</translation>
    </message>
    <message>
      <source>the iSAGE engine at {python} cannot train: {problem}; {hint}</source>
      <translation>o motor do iSAGE em {python} não consegue treinar: {problem}; {hint}</translation>
    </message>
    <message>
      <source>the iSAGE engine at {python} is version {found}, this plugin is {expected}: {hint}</source>
      <translation>o motor do iSAGE em {python} é a versão {found}, este plugin é a {expected}: {hint}</translation>
    </message>
    <message>
      <source>the iSAGE engine environment is ready</source>
      <translation>o ambiente do motor do iSAGE está pronto</translation>
    </message>
    <message>
      <source>the package index would install the CUDA build of torch {torch} ({packages} packages, {cuda} of them CUDA libraries, about {cuda_gb} GB of downloads), which was not asked for: {how_to_choose}</source>
      <translation>o índice de pacotes instalaria a build CUDA do torch {torch} ({packages} pacotes, {cuda} deles bibliotecas CUDA, cerca de {cuda_gb} GB de downloads), que não foi pedida: {how_to_choose}</translation>
    </message>
    <message>
      <source>the service layer is no longer in the project</source>
      <translation>a camada do serviço não está mais no projeto</translation>
    </message>
    <message>
      <source>the visible extent overlaps no frame; pan to a frame or predict whole frames</source>
      <translation>a extensão visível não se sobrepõe a nenhum quadro; desloque o mapa até um quadro ou preveja os quadros inteiros</translation>
    </message>
    <message>
      <source>these rasters are frames of the record already</source>
      <translation>estes rasters já são quadros do registro</translation>
    </message>
    <message>
      <source>this copy of the plugin carries no engine (a development checkout)</source>
      <translation>esta cópia do plugin não traz motor (uma cópia de desenvolvimento)</translation>
    </message>
    <message>
      <source>timed out after {seconds} s</source>
      <translation>tempo esgotado após {seconds} s</translation>
    </message>
    <message>
      <source>to label</source>
      <translation>a rotular</translation>
    </message>
    <message>
      <source>unknown</source>
      <translation>desconhecida</translation>
    </message>
    <message>
      <source>updating pip</source>
      <translation>atualizando o pip</translation>
    </message>
    <message>
      <source>what the package index gives, checked first: a CUDA build is refused unless chosen</source>
      <translation>o que o índice de pacotes fornecer, verificado antes: uma build CUDA é recusada a menos que seja escolhida</translation>
    </message>
    <message>
      <source>write the label</source>
      <translation>gravar o rótulo</translation>
    </message>
    <message>
      <source>yes</source>
      <translation>sim</translation>
    </message>
    <message>
      <source>your name, stored with every click</source>
      <translation>seu nome, armazenado com cada clique</translation>
    </message>
    <message>
      <source>{computed} of {parts} parts computed on {workers} workers ({backend})</source>
      <translation>{computed} de {parts} partes calculadas em {workers} workers ({backend})</translation>
    </message>
    <message>
      <source>{connection}: its authentication configuration {id} cannot be read; check it (and the master password) in QGIS's authentication settings</source>
      <translation>{connection}: a configuração de autenticação {id} não pode ser lida; verifique-a (e a senha mestra) nas configurações de autenticação do QGIS</translation>
    </message>
    <message>
      <source>{connection}: its authentication method {method} cannot be passed to the iSAGE engine; use a Basic (user name and password) configuration</source>
      <translation>{connection}: o método de autenticação {method} não pode ser repassado ao motor do iSAGE; use uma configuração Basic (usuário e senha)</translation>
    </message>
    <message>
      <source>{count} sample points lie within a few pixels of a training click.</source>
      <translation>{count} pontos amostrais estão a poucos pixels de um clique de treinamento.</translation>
    </message>
    <message>
      <source>{estimate:.1f}% (95% interval {low:.1f}% to {high:.1f}%)</source>
      <translation>{estimate:.1f}% (intervalo de 95% de {low:.1f}% a {high:.1f}%)</translation>
    </message>
    <message>
      <source>{estimate:.1f}% (no interval: too few labelled points, or all of them agree)</source>
      <translation>{estimate:.1f}% (sem intervalo: poucos pontos rotulados, ou todos concordam)</translation>
    </message>
    <message>
      <source>{fit} % of the clicked pixels in the latest training patches predicted right</source>
      <translation>{fit} % dos pixels clicados nos recortes de treinamento mais recentes previstos corretamente</translation>
    </message>
    <message>
      <source>{folder} already holds a workspace; it was opened instead</source>
      <translation>{folder} já contém uma área de trabalho; ela foi aberta em vez disso</translation>
    </message>
    <message>
      <source>{folder}: the benchmark folder must be new or empty, or tick 'Resume'</source>
      <translation>{folder}: a pasta do benchmark deve ser nova ou vazia, ou marque 'Retomar'</translation>
    </message>
    <message>
      <source>{folder}: the workspace folder cannot be written ({reason}); choose another folder</source>
      <translation>{folder}: não é possível gravar na pasta da área de trabalho ({reason}); escolha outra pasta</translation>
    </message>
    <message>
      <source>{folder}: this folder holds a GeoPackage workspace; choose another folder</source>
      <translation>{folder}: esta pasta contém uma área de trabalho GeoPackage; escolha outra pasta</translation>
    </message>
    <message>
      <source>{frame} (row {row}, col {col}): predicted {name}, {reason} (score {score})</source>
      <translation>{frame} (linha {row}, coluna {col}): previsto {name}, {reason} (pontuação {score})</translation>
    </message>
    <message>
      <source>{key}: '{layer}' is a {provider} layer; iSAGE reads raster files, so save it as a GeoTIFF first (Export &gt; Save As)</source>
      <translation>{key}: '{layer}' é uma camada {provider}; o iSAGE lê arquivos raster, então salve-a antes como GeoTIFF (Exportar &gt; Salvar como)</translation>
    </message>
    <message>
      <source>{key}: not a readable raster layer</source>
      <translation>{key}: não é uma camada raster legível</translation>
    </message>
    <message>
      <source>{kind} from {host}: the imagery of the area is downloaded once into the workspace, then it is a frame like any other.</source>
      <translation>{kind} de {host}: as imagens da área são baixadas uma vez para a área de trabalho e passam a ser um quadro como qualquer outro.</translation>
    </message>
    <message>
      <source>{labelled} labelled, {unsure} unsure, {left} left of {total} sample points</source>
      <translation>{labelled} rotulados, {unsure} incertos, {left} restantes de {total} pontos amostrais</translation>
    </message>
    <message>
      <source>{layer}: cannot copy the points ({reason})</source>
      <translation>{layer}: não é possível copiar os pontos ({reason})</translation>
    </message>
    <message>
      <source>{layer}: its URL is no tile URL with z, x and y (or -y) placeholders</source>
      <translation>{layer}: a URL não é uma URL de tiles com os marcadores z, x e y (ou -y)</translation>
    </message>
    <message>
      <source>{layer}: its authentication configuration {id} cannot be read; check it (and the master password) in QGIS's authentication settings</source>
      <translation>{layer}: a configuração de autenticação {id} não pode ser lida; verifique-a (e a senha mestra) nas configurações de autenticação do QGIS</translation>
    </message>
    <message>
      <source>{layer}: its authentication configuration {id} has no user name</source>
      <translation>{layer}: a configuração de autenticação {id} não tem nome de usuário</translation>
    </message>
    <message>
      <source>{layer}: its authentication method {method} cannot be handed to the engine, which reads a user name and password (Basic) or HTTP header credentials (API header); use one of those</source>
      <translation>{layer}: o método de autenticação {method} não pode ser passado ao motor, que lê um usuário e uma senha (Basic) ou credenciais em cabeçalhos HTTP (API header); use um desses</translation>
    </message>
    <message>
      <source>{layer}: its source names no CRS; set the layer's CRS</source>
      <translation>{layer}: a fonte não indica um SRC; defina o SRC da camada</translation>
    </message>
    <message>
      <source>{layer}: its tile URL has placeholders the engine cannot fill ({names}); it reads URLs with z, x and y (or -y) only</source>
      <translation>{layer}: a URL dos tiles tem marcadores que o motor não sabe preencher ({names}); ele lê apenas URLs com z, x e y (ou -y)</translation>
    </message>
    <message>
      <source>{layer}: its tile matrices could not be read from the service; check that the layer draws in QGIS</source>
      <translation>{layer}: as matrizes de tiles não puderam ser lidas do serviço; verifique se a camada é desenhada no QGIS</translation>
    </message>
    <message>
      <source>{layer}: no zoom level {zoom}; choose one from {low} to {high}</source>
      <translation>{layer}: não há nível de zoom {zoom}; escolha um de {low} a {high}</translation>
    </message>
    <message>
      <source>{layer}: not an XYZ, WMTS or WMS layer</source>
      <translation>{layer}: não é uma camada XYZ, WMTS ou WMS</translation>
    </message>
    <message>
      <source>{layer}: not an online XYZ, WMTS or WMS layer (its source is {kind} {url}); add such a layer, or save this one to a GeoTIFF</source>
      <translation>{layer}: não é uma camada XYZ, WMTS ou WMS on-line (a fonte é {kind} {url}); adicione uma camada assim, ou salve esta em um GeoTIFF</translation>
    </message>
    <message>
      <source>{login} ({role}) may not record an assessment design; choose the team's trainer account under Trainer account in the panel's Team (PostGIS)… dialog, or ask the trainer to press Assess map</source>
      <translation>{login} ({role}) não pode registrar um desenho de avaliação; escolha a conta de treinador da equipe em Conta de treinador no diálogo Equipe (PostGIS)… do painel, ou peça ao treinador que clique em Avaliar o mapa</translation>
    </message>
    <message>
      <source>{login} ({role}) may not record training runs; choose the team's trainer account under Trainer account in the panel's Team (PostGIS)… dialog</source>
      <translation>{login} ({role}) não pode registrar treinamentos; escolha a conta de treinador da equipe em Conta de treinador no diálogo Equipe (PostGIS)… do painel</translation>
    </message>
    <message>
      <source>{megapixels} Mpx in one frame, over the engine's limit of {limit} Mpx; choose a coarser level or a smaller area.</source>
      <translation>{megapixels} Mpx em um quadro, acima do limite do motor de {limit} Mpx; escolha um nível menos detalhado ou uma área menor.</translation>
    </message>
    <message>
      <source>{message}. Checking it…</source>
      <translation>{message}. Verificando…</translation>
    </message>
    <message numerus="yes">
      <source>{names} and %n more</source>
      <translation>
        <numerusform>{names} e mais %n</numerusform>
        <numerusform>{names} e mais %n</numerusform>
      </translation>
    </message>
    <message>
      <source>{name}: user's accuracy {users}; producer's accuracy {producers}</source>
      <translation>{name}: exatidão do usuário {users}; exatidão do produtor {producers}</translation>
    </message>
    <message>
      <source>{path}: cannot open ({reason}); check the file's permissions</source>
      <translation>{path}: não é possível abrir ({reason}); verifique as permissões do arquivo</translation>
    </message>
    <message>
      <source>{path}: cannot read the accuracy assessment ({reason}); is it a GeoPackage?</source>
      <translation>{path}: não é possível ler a avaliação de exatidão ({reason}); é um GeoPackage?</translation>
    </message>
    <message>
      <source>{path}: cannot read the click record ({reason}); is it a GeoPackage?</source>
      <translation>{path}: não é possível ler o registro de cliques ({reason}); é um GeoPackage?</translation>
    </message>
    <message>
      <source>{path}: cannot write the polygons ({reason})</source>
      <translation>{path}: não é possível gravar os polígonos ({reason})</translation>
    </message>
    <message>
      <source>{path}: class name '{name}' is used by class {id}; choose another name</source>
      <translation>{path}: o nome de classe '{name}' é usado pela classe {id}; escolha outro nome</translation>
    </message>
    <message>
      <source>{path}: class {id} exists already; choose another id or edit it</source>
      <translation>{path}: a classe {id} já existe; escolha outro id ou edite-a</translation>
    </message>
    <message>
      <source>{path}: click record is a folder; give the .gpkg file, or create a record first</source>
      <translation>{path}: o registro de cliques é uma pasta; informe o arquivo .gpkg, ou crie um registro primeiro</translation>
    </message>
    <message>
      <source>{path}: click record not found; give the .gpkg file, or create a record first</source>
      <translation>{path}: registro de cliques não encontrado; informe o arquivo .gpkg, ou crie um registro primeiro</translation>
    </message>
    <message>
      <source>{path}: click record not found; open an existing clicks.gpkg</source>
      <translation>{path}: registro de cliques não encontrado; abra um clicks.gpkg existente</translation>
    </message>
    <message>
      <source>{path}: click record not found; open an existing clicks.gpkg or create a workspace</source>
      <translation>{path}: registro de cliques não encontrado; abra um clicks.gpkg existente ou crie uma área de trabalho</translation>
    </message>
    <message>
      <source>{path}: click {uid} was already retracted; nothing to do</source>
      <translation>{path}: o clique {uid} já foi retirado; nada a fazer</translation>
    </message>
    <message>
      <source>{path}: clicks are never deleted; saving the deletion of click {fid} will be refused: roll back and retract it instead (right click)</source>
      <translation>{path}: cliques nunca são excluídos; salvar a exclusão do clique {fid} será recusado: reverta e retire-o em vez disso (clique direito)</translation>
    </message>
    <message>
      <source>{path}: could not {action} ({reason}); close other programs using it and retry</source>
      <translation>{path}: não foi possível {action} ({reason}); feche outros programas que o estejam usando e tente novamente</translation>
    </message>
    <message>
      <source>{path}: could not {action}: not enough disk space; free some space and retry</source>
      <translation>{path}: não foi possível {action}: não há espaço em disco suficiente; libere espaço e tente novamente</translation>
    </message>
    <message>
      <source>{path}: could not {action}: refused by the click record ({reason})</source>
      <translation>{path}: não foi possível {action}: recusado pelo registro de cliques ({reason})</translation>
    </message>
    <message>
      <source>{path}: could not {action}: the click record is locked by another program; close it there (or save/stop editing its layers in QGIS) and retry</source>
      <translation>{path}: não foi possível {action}: o registro de cliques está bloqueado por outro programa; feche-o lá (ou salve/encerre a edição de suas camadas no QGIS) e tente novamente</translation>
    </message>
    <message>
      <source>{path}: could not {action}: the click record is read-only; fix its permissions or work on a copy</source>
      <translation>{path}: não foi possível {action}: o registro de cliques é somente leitura; corrija suas permissões ou trabalhe em uma cópia</translation>
    </message>
    <message>
      <source>{path}: edits of layer '{layer}' could not be saved ({reason}); fix or roll them back (retract clicks instead of deleting them), then retry</source>
      <translation>{path}: as edições da camada '{layer}' não puderam ser salvas ({reason}); corrija-as ou reverta-as (retire cliques em vez de excluí-los) e tente novamente</translation>
    </message>
    <message>
      <source>{path}: iSAGE record without a schema version; restore it from a copy</source>
      <translation>{path}: registro do iSAGE sem versão de esquema; restaure-o a partir de uma cópia</translation>
    </message>
    <message>
      <source>{path}: iSAGE writes GeoTIFF rasters; choose a file name ending in .tif</source>
      <translation>{path}: o iSAGE grava rasters GeoTIFF; escolha um nome de arquivo terminado em .tif</translation>
    </message>
    <message>
      <source>{path}: invalid class {klass}; give an id &gt;= 0, a name and a colour like '#ff0000'</source>
      <translation>{path}: classe inválida {klass}; informe um id &gt;= 0, um nome e uma cor como '#ff0000'</translation>
    </message>
    <message>
      <source>{path}: its clicks layer cannot be read</source>
      <translation>{path}: sua camada de cliques não pode ser lida</translation>
    </message>
    <message>
      <source>{path}: no class {id}; add it first</source>
      <translation>{path}: não existe a classe {id}; adicione-a primeiro</translation>
    </message>
    <message>
      <source>{path}: no click with fid {fid}; check the click id</source>
      <translation>{path}: não há clique com fid {fid}; verifique o id do clique</translation>
    </message>
    <message>
      <source>{path}: no frame named '{frame}' (frames: {known}); add the frame first</source>
      <translation>{path}: não há quadro chamado '{frame}' (quadros: {known}); adicione o quadro primeiro</translation>
    </message>
    <message>
      <source>{path}: no iSAGE PostGIS record pointer here; open the record from its connection</source>
      <translation>{path}: nenhum ponteiro de registro PostGIS do iSAGE aqui; abra o registro pela conexão dele</translation>
    </message>
    <message>
      <source>{path}: no readable proposals layer; run Predict (or isage propose) again</source>
      <translation>{path}: nenhuma camada de propostas legível; execute Prever (ou isage propose) novamente</translation>
    </message>
    <message>
      <source>{path}: no single PostGIS connection in QGIS reaches this record; open it once with the iSAGE panel's Team (PostGIS)… button, so its connection is known</source>
      <translation>{path}: nenhuma conexão PostGIS única do QGIS alcança este registro; abra-o uma vez com o botão Equipe (PostGIS)… do painel do iSAGE, para que sua conexão seja conhecida</translation>
    </message>
    <message>
      <source>{path}: not a raster file on disk; save the layer to a GeoTIFF</source>
      <translation>{path}: não é um arquivo raster em disco; salve a camada como GeoTIFF</translation>
    </message>
    <message>
      <source>{path}: not an iSAGE PostGIS record pointer</source>
      <translation>{path}: não é um ponteiro de registro PostGIS do iSAGE</translation>
    </message>
    <message>
      <source>{path}: not an iSAGE click record; open a clicks.gpkg made by iSAGE</source>
      <translation>{path}: não é um registro de cliques do iSAGE; abra um clicks.gpkg criado pelo iSAGE</translation>
    </message>
    <message>
      <source>{path}: not an iSAGE click record; open the workspace's clicks.gpkg</source>
      <translation>{path}: não é um registro de cliques do iSAGE; abra o clicks.gpkg da área de trabalho</translation>
    </message>
    <message>
      <source>{path}: not an iSAGE proposals file (no {fields}); propose again</source>
      <translation>{path}: não é um arquivo de propostas do iSAGE (sem {fields}); proponha novamente</translation>
    </message>
    <message>
      <source>{path}: pixel (row {row}, col {col}) is outside frame '{frame}' ({width}x{height} pixels)</source>
      <translation>{path}: o pixel (linha {row}, coluna {col}) está fora do quadro '{frame}' ({width}x{height} pixels)</translation>
    </message>
    <message>
      <source>{path}: pixel (row {row}, col {col}) of frame '{frame}' is nodata; click on image data</source>
      <translation>{path}: o pixel (linha {row}, coluna {col}) do quadro '{frame}' é sem dados; clique sobre a imagem</translation>
    </message>
    <message>
      <source>{path}: the click record is read-only; fix its permissions or work on a copy</source>
      <translation>{path}: o registro de cliques é somente leitura; corrija suas permissões ou trabalhe em uma cópia</translation>
    </message>
    <message>
      <source>{path}: the click record was closed; open it again</source>
      <translation>{path}: o registro de cliques foi fechado; abra-o novamente</translation>
    </message>
    <message>
      <source>{path}: this folder already points to another record ({schema}); choose another folder</source>
      <translation>{path}: esta pasta já aponta para outro registro ({schema}); escolha outra pasta</translation>
    </message>
    <message>
      <source>{path}: this record holds no accuracy assessment yet; create a design first (Assess map in the iSAGE panel, or isage assess design)</source>
      <translation>{path}: este registro ainda não contém avaliação de exatidão; crie primeiro um delineamento (Avaliar o mapa no painel do iSAGE, ou isage assess design)</translation>
    </message>
    <message>
      <source>{path}: unknown class {class_id} (classes: {known}); add it first</source>
      <translation>{path}: classe desconhecida {class_id} (classes: {known}); adicione-a primeiro</translation>
    </message>
    <message>
      <source>{path}: written by a newer iSAGE (record schema {version}, plugin reads {supported}); upgrade the plugin</source>
      <translation>{path}: gravado por um iSAGE mais novo (esquema do registro {version}, o plugin lê {supported}); atualize o plugin</translation>
    </message>
    <message>
      <source>{point}: refused ({reason})</source>
      <translation>{point}: recusado ({reason})</translation>
    </message>
    <message>
      <source>{problem}; set it in the iSAGE settings (engine Python), set ISAGE_PYTHON, or create the engine environment from the iSAGE panel</source>
      <translation>{problem}; defina-o nas configurações do iSAGE (Python do motor), defina ISAGE_PYTHON ou crie o ambiente do motor pelo painel do iSAGE</translation>
    </message>
    <message>
      <source>{reason}; the engine was stopped before it finished</source>
      <translation>{reason}; o motor foi parado antes de terminar</translation>
    </message>
    <message numerus="yes">
      <source>{remaining} of %n proposals left ({labelled} labelled, {skipped} skipped)</source>
      <translation>
        <numerusform>{remaining} de %n proposta restante ({labelled} rotuladas, {skipped} puladas)</numerusform>
        <numerusform>{remaining} de %n propostas restantes ({labelled} rotuladas, {skipped} puladas)</numerusform>
      </translation>
    </message>
    <message>
      <source>{size} {units} a pixel</source>
      <translation>{size} {units} por pixel</translation>
    </message>
    <message>
      <source>{step} failed (exit status {code}): {output}; see the iSAGE log messages</source>
      <translation>{step} falhou (código de saída {code}): {output}; veja as mensagens de log do iSAGE</translation>
    </message>
    <message>
      <source>{step} failed ({reason}); the other results are shown</source>
      <translation>{step} falhou ({reason}); os outros resultados são mostrados</translation>
    </message>
    <message>
      <source>{unresolved} of {clicks} clicks are still predicted wrong (frames {frames})</source>
      <translation>{unresolved} de {clicks} cliques ainda são previstos incorretamente (quadros {frames})</translation>
    </message>
    <message>
      <source>{value} is not a finite number</source>
      <translation>{value} não é um número finito</translation>
    </message>
    <message>
      <source>{where}: iSAGE record without a schema version</source>
      <translation>{where}: registro do iSAGE sem versão de esquema</translation>
    </message>
    <message>
      <source>{where}: label {fid} was already retracted; nothing to do</source>
      <translation>{where}: o rótulo {fid} já estava retirado; nada a fazer</translation>
    </message>
    <message>
      <source>{where}: no frame named '{frame}'; the record's administrator adds frames</source>
      <translation>{where}: nenhum quadro chamado '{frame}'; quem administra o registro adiciona quadros</translation>
    </message>
    <message>
      <source>{where}: no iSAGE record here that this login may read; check the schema name, or ask the administrator to add this login to the team</source>
      <translation>{where}: não há aqui um registro do iSAGE que este login possa ler; verifique o nome do esquema ou peça a quem administra que adicione este login à equipe</translation>
    </message>
    <message>
      <source>{where}: the database cannot be reached or refused the statement ({reason})</source>
      <translation>{where}: o banco de dados está inacessível ou recusou a instrução ({reason})</translation>
    </message>
    <message>
      <source>{where}: written by a newer iSAGE (record schema {version}, plugin reads {supported}); upgrade the plugin</source>
      <translation>{where}: gravado por um iSAGE mais novo (esquema do registro {version}, o plugin lê {supported}); atualize o plugin</translation>
    </message>
    <message>
      <source>{width} × {height} px ({megapixels} Mpx); about {low}–{high} MB to download</source>
      <translation>{width} × {height} px ({megapixels} Mpx); cerca de {low}–{high} MB a baixar</translation>
    </message>
  </context>
</TS>
