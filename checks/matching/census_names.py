"""US Census 1990 name lists (public domain), folded to lower case: every given name in the
female and male first-name files and the 5,000 most common surnames.

Taken from the data files shipped in the MIT-licensed `names` package (0.3.0); no runtime
dependency. The typo guard uses them to tell a misspelling ("jhon") from another real name
("joan", "dina", "marc") that may belong to a different, unrostered teacher.
"""

from __future__ import annotations

_GIVEN = """
aaron abbey abbie abby abdul abe abel abigail abraham abram ada adah adalberto adaline adam adan
addie adela adelaida adelaide adele adelia adelina adeline adell adella adelle adena adina
adolfo adolph adria adrian adriana adriane adrianna adrianne adrien adriene adrienne afton
agatha agnes agnus agripina agueda agustin agustina ahmad ahmed ai aida aide aiko aileen ailene
aimee aisha aja akiko akilah al alaina alaine alan alana alane alanna alayna alba albert alberta
albertha albertina albertine alberto albina alda alden aldo alease alec alecia aleen aleida
aleisha alejandra alejandrina alejandro alena alene alesha aleshia alesia alessandra aleta
aletha alethea alethia alex alexa alexander alexandra alexandria alexia alexis alfonso alfonzo
alfred alfreda alfredia alfredo ali alia alica alice alicia alida alina aline alisa alise alisha
alishia alisia alison alissa alita alix aliza alla allan alleen allegra allen allena allene
allie alline allison allyn allyson alma almeda almeta alona alonso alonzo alpha alphonse
alphonso alta altagracia altha althea alton alva alvaro alvera alverta alvin alvina alyce alycia
alysa alyse alysha alysia alyson alyssa amada amado amal amalia amanda amber amberly ambrose
amee amelia america ami amie amiee amina amira ammie amos amparo amy an ana anabel analisa
anamaria anastacia anastasia andera anderson andra andre andrea andreas andree andres andrew
andria andy anette angel angela angele angelena angeles angelia angelic angelica angelika
angelina angeline angelique angelita angella angelo angelyn angie angila angla angle anglea anh
anibal anika anisa anisha anissa anita anitra anja anjanette anjelica ann anna annabel annabell
annabelle annalee annalisa annamae annamaria annamarie anne anneliese annelle annemarie annett
annetta annette annice annie annika annis annita annmarie anthony antione antionette antoine
antoinette anton antone antonetta antonette antonia antonietta antonina antonio antony antwan
anya apolonia april apryl ara araceli aracelis aracely arcelia archie ardath ardelia ardell
ardella ardelle arden ardis ardith aretha argelia argentina ariana ariane arianna arianne arica
arie ariel arielle arla arlean arleen arlen arlena arlene arletha arletta arlette arlie arlinda
arline arlyne armand armanda armandina armando armida arminda arnetta arnette arnita arnold
arnoldo arnulfo aron arron art arthur artie arturo arvilla asa asha ashanti ashely ashlea ashlee
ashleigh ashley ashli ashlie ashly ashlyn ashton asia asley assunta astrid asuncion athena
aubrey audie audra audrea audrey audria audrie audry august augusta augustina augustine augustus
aundrea aura aurea aurelia aurelio aurora aurore austin autumn ava avelina avery avis avril
awilda ayako ayana ayanna ayesha azalee azucena azzie babara babette bailey bambi bao barabara
barb barbar barbara barbera barbie barbra bari barney barrett barrie barry bart barton basil
basilia bea beata beatrice beatris beatriz beau beaulah bebe becki beckie becky bee belen belia
belinda belkis bell bella belle belva ben benedict benita benito benjamin bennett bennie benny
benton berenice berna bernadette bernadine bernard bernarda bernardina bernardine bernardo
berneice bernetta bernice bernie berniece bernita berry bert berta bertha bertie bertram beryl
bess bessie beth bethanie bethann bethany bethel betsey betsy bette bettie bettina betty
bettyann bettye beula beulah bev beverlee beverley beverly bianca bibi bill billi billie billy
billye birdie birgit blaine blair blake blanca blanch blanche blondell blossom blythe bo bob
bobbi bobbie bobby bobbye bobette bok bong bonita bonnie bonny booker boris boyce boyd brad
bradford bradley bradly brady brain branda brande brandee branden brandi brandie brandon brandy
brant breana breann breanna breanne bree brenda brendan brendon brenna brent brenton bret brett
brian briana brianna brianne brice bridget bridgett bridgette brigette brigid brigida brigitte
brinda britany britney britni britt britta brittaney brittani brittanie brittany britteny
brittney brittni brittny brock broderick bronwyn brook brooke brooks bruce bruna brunilda bruno
bryan bryanna bryant bryce brynn bryon buck bud buddy buena buffy buford bula bulah bunny burl
burma burt burton buster byron caitlin caitlyn calandra caleb calista callie calvin camelia
camellia cameron cami camie camila camilla camille cammie cammy candace candance candelaria
candi candice candida candie candis candra candy candyce caprice cara caren carey cari caridad
carie carin carina carisa carissa carita carl carla carlee carleen carlena carlene carletta
carley carli carlie carline carlita carlo carlos carlota carlotta carlton carly carlyn carma
carman carmel carmela carmelia carmelina carmelita carmella carmelo carmen carmina carmine
carmon carol carola carolann carole carolee carolin carolina caroline caroll carolyn carolyne
carolynn caron caroyln carri carrie carrol carroll carry carson carter cary caryl carylon caryn
casandra casey casie casimira cassandra cassaundra cassey cassi cassidy cassie cassondra cassy
catalina catarina caterina catharine catherin catherina catherine cathern catheryn cathey cathi
cathie cathleen cathrine cathryn cathy catina catrice catrina cayla cecelia cecil cecila cecile
cecilia cecille cecily cedric cedrick celena celesta celeste celestina celestine celia celina
celinda celine celsa ceola cesar chad chadwick chae chan chana chance chanda chandra chanel
chanell chanelle chang chantal chantay chante chantel chantell chantelle chara charis charise
charissa charisse charita charity charla charleen charlena charlene charles charlesetta
charlette charley charlie charline charlott charlotte charlsie charlyn charmain charmaine
charolette chas chase chasidy chasity chassidy chastity chau chauncey chaya chelsea chelsey
chelsie cher chere cheree cherelle cheri cherie cherilyn cherise cherish cherly cherlyn cherri
cherrie cherry cherryl chery cheryl cheryle cheryll chester chet cheyenne chi chia chieko chin
china ching chiquita chloe chong chris chrissy christa christal christeen christel christen
christena christene christi christia christian christiana christiane christie christin christina
christine christinia christoper christopher christy chrystal chu chuck chun chung ciara cicely
ciera cierra cinda cinderella cindi cindie cindy cinthia cira clair claire clara clare clarence
claretha claretta claribel clarice clarinda clarine claris clarisa clarissa clarita clark
classie claud claude claudette claudia claudie claudine claudio clay clayton clelia clemencia
clement clemente clementina clementine clemmie cleo cleopatra cleora cleotilde cleta cletus
cleveland cliff clifford clifton clint clinton clora clorinda clotilde clyde codi cody colby
cole coleen coleman colene coletta colette colin colleen collen collene collette collin colton
columbus concepcion conception concetta concha conchita connie conrad constance consuela
consuelo contessa cora coral coralee coralie corazon cordelia cordell cordia cordie coreen
corene coretta corey cori corie corina corine corinna corinne corliss cornelia cornelius cornell
corrie corrin corrina corrine corrinne cortez cortney cory courtney coy craig creola cris
criselda crissy crista cristal cristen cristi cristie cristin cristina cristine cristobal
cristopher cristy cruz crysta crystal crystle cuc curt curtis cyndi cyndy cynthia cyril cyrstal
cyrus cythia dacia dagmar dagny dahlia daina daine daisey daisy dakota dale dalene dalia dalila
dallas dalton damaris damian damien damion damon dan dana danae dane danelle danette dani dania
danial danica daniel daniela daniele daniell daniella danielle danika danille danilo danita dann
danna dannette dannie dannielle danny dante danuta danyel danyell danyelle daphine daphne dara
darby darcel darcey darci darcie darcy darell daren daria darin dario darius darla darleen
darlena darlene darline darnell daron darrel darrell darren darrick darrin darron darryl darwin
daryl dave david davida davina davis dawn dawna dawne dayle dayna daysi deadra dean deana
deandra deandre deandrea deane deangelo deann deanna deanne deb debbi debbie debbra debby debera
debi debora deborah debra debrah debroah dede dedra dee deeann deeanna deedee deedra deena
deetta deidra deidre deirdre deja del delaine delana delbert delcie delena delfina delia delicia
delila delilah delinda delisa dell della delma delmar delmer delmy delois deloise delora deloras
delores deloris delorse delpha delphia delphine delsie delta demarcus demetra demetria demetrice
demetrius dena denae deneen denese denice denis denise denisha denisse denita denna dennis
dennise denny denver denyse deon deonna derek derick derrick deshawn desirae desire desiree
desmond despina dessie destiny detra devin devon devona devora devorah dewayne dewey dewitt
dexter dia diamond dian diana diane diann dianna dianne dick diedra diedre diego dierdre digna
dillon dimple dina dinah dino dinorah dion dione dionna dionne dirk divina dixie dodie dollie
dolly dolores doloris domenic domenica dominga domingo dominic dominica dominick dominique
dominque domitila domonique don dona donald donella donetta donette dong donita donn donna
donnell donnetta donnette donnie donny donovan donte donya dora dorathy dorcas doreatha doreen
dorene doretha dorethea doretta dori doria dorian dorie dorinda dorine doris dorla dorotha
dorothea dorothy dorris dorsey dortha dorthea dorthey dorthy dot dottie dotty doug douglas
douglass dovie doyle dreama drema drew drucilla drusilla duane dudley dulce dulcie duncan dung
dusti dustin dusty dwain dwana dwayne dwight dyan dylan earl earle earlean earleen earlene
earlie earline earnest earnestine eartha easter eboni ebonie ebony echo ed eda edda eddie eddy
edelmira eden edgar edgardo edie edison edith edmond edmund edmundo edna edra edris eduardo
edward edwardo edwin edwina edyth edythe effie efrain efren ehtel eileen eilene ela eladia
elaina elaine elana elane elanor elayne elba elbert elda elden eldon eldora eldridge eleanor
eleanora eleanore elease elena elene eleni elenor elenora elenore eleonor eleonora eleonore
elfreda elfrieda elfriede eli elia eliana elias elicia elida elidia elijah elin elina elinor
elinore elisa elisabeth elise eliseo elisha elissa eliz eliza elizabet elizabeth elizbeth
elizebeth elke ella ellamae ellan ellen ellena elli ellie elliot elliott ellis ellsworth elly
ellyn elma elmer elmira elmo elna elnora elodia elois eloisa eloise elouise eloy elroy elsa else
elsie elsy elton elva elvera elvia elvie elvin elvina elvira elvis elwanda elwood elyse elza ema
emanuel emelda emelia emelina emeline emely emerald emerita emerson emery emiko emil emile
emilee emilia emilie emilio emily emma emmaline emmanuel emmett emmie emmitt emmy emogene emory
ena enda enedina eneida enid enoch enola enrique enriqueta epifania era erasmo eric erica erich
erick ericka erik erika erin erinn erlene erlinda erline erma ermelinda erminia erna ernest
ernestina ernestine ernesto ernie errol ervin erwin eryn esmeralda esperanza essie esta esteban
estefana estela estell estella estelle ester esther estrella etha ethan ethel ethelene ethelyn
ethyl etsuko etta ettie eufemia eugena eugene eugenia eugenie eugenio eula eulah eulalia eun
euna eunice eura eusebia eusebio eustolia eva evalyn evan evangelina evangeline eve evelia
evelin evelina eveline evelyn evelyne evelynn everett everette evette evia evie evita evon
evonne ewa exie ezekiel ezequiel ezra fabian fabiola fae fairy faith fallon fannie fanny farah
farrah fatima fatimah faustina faustino fausto faviola fawn fay faye fe federico felecia felica
felice felicia felicidad felicita felicitas felipa felipe felisa felisha felix felton ferdinand
fermin fermina fern fernanda fernande fernando ferne fidel fidela fidelia filiberto filomena
fiona flavia fleta fletcher flo flor flora florance florence florencia florencio florene
florentina florentino floretta floria florida florinda florine florrie flossie floy floyd fonda
forest forrest foster fran france francene frances francesca francesco franchesca francie
francina francine francis francisca francisco francoise frank frankie franklin franklyn
fransisca fred freda fredda freddie freddy frederic frederica frederick fredericka fredia
fredric fredrick fredricka freeda freeman freida frida frieda fritz fumiko gabriel gabriela
gabriele gabriella gabrielle gail gala gale galen galina garfield garland garnet garnett garret
garrett garry garth gary gaston gavin gay gaye gayla gayle gaylene gaylord gaynell gaynelle
gearldine gema gemma gena genaro gene genesis geneva genevie genevieve genevive genia genie
genna gennie genny genoveva geoffrey georgann george georgeann georgeanna georgene georgetta
georgette georgia georgiana georgiann georgianna georgianne georgie georgina georgine gerald
geraldine geraldo geralyn gerard gerardo gerda geri germaine german gerri gerry gertha gertie
gertrud gertrude gertrudis gertude ghislaine gia gianna gidget gigi gil gilbert gilberte
gilberto gilda gillian gilma gina ginette ginger ginny gino giovanna giovanni gisela gisele
giselle gita giuseppe giuseppina gladis glady gladys glayds glen glenda glendora glenn glenna
glennie glennis glinda gloria glory glynda glynis golda golden goldie gonzalo gordon grace
gracia gracie graciela grady graham graig grant granville grayce grazyna greg gregg gregoria
gregorio gregory greta gretchen gretta gricelda grisel griselda grover guadalupe gudrun
guillermina guillermo gus gussie gustavo guy gwen gwenda gwendolyn gwenn gwyn gwyneth ha hae hai
hailey hal haley halina halley hallie han hana hang hanh hank hanna hannah hannelore hans harlan
harland harley harmony harold harriet harriett harriette harris harrison harry harvey hassan
hassie hattie haydee hayden hayley haywood hazel heath heather hector hedwig hedy hee heide
heidi heidy heike helaine helen helena helene helga hellen henrietta henriette henry herb
herbert heriberto herlinda herma herman hermelinda hermila hermina hermine herminia herschel
hershel herta hertha hester hettie hiedi hien hilaria hilario hilary hilda hilde hildegard
hildegarde hildred hillary hilma hilton hipolito hiram hiroko hisako hoa hobert holley holli
hollie hollis holly homer honey hong hope horace horacio hortencia hortense hortensia hosea
houston howard hoyt hsiu hubert hue huey hugh hugo hui hulda humberto hung hunter huong hwa
hyacinth hye hyman hyo hyon hyun ian ida idalia idell idella iesha ignacia ignacio ike ila ilana
ilda ileana ileen ilene iliana illa ilona ilse iluminada ima imelda imogene in ina india indira
inell ines inez inga inge ingeborg inger ingrid inocencia iola iona ione ira iraida irena irene
irina iris irish irma irmgard irvin irving irwin isa isaac isabel isabell isabella isabelle
isadora isaiah isaias isaura isela isiah isidra isidro isis ismael isobel israel isreal issac
iva ivan ivana ivelisse ivette ivey ivonne ivory ivy izetta izola ja jacalyn jacelyn jacinda
jacinta jacinto jack jackeline jackelyn jacki jackie jacklyn jackqueline jackson jaclyn jacob
jacqualine jacque jacquelin jacqueline jacquelyn jacquelyne jacquelynn jacques jacquetta jacqui
jacquie jacquiline jacquline jacqulyn jada jade jadwiga jae jaime jaimee jaimie jake jaleesa
jalisa jama jamaal jamal jamar jame jamee jamel james jamey jami jamie jamika jamila jamison
jammie jan jana janae janay jane janean janee janeen janel janell janella janelle janene janessa
janet janeth janett janetta janette janey jani janice janie janiece janina janine janis janise
janita jann janna jannet jannette jannie january janyce jaqueline jaquelyn jared jarod jarred
jarrett jarrod jarvis jasmin jasmine jason jasper jaunita javier jay jaye jayme jaymie jayna
jayne jayson jazmin jazmine jc jean jeana jeane jeanelle jeanene jeanett jeanetta jeanette
jeanice jeanie jeanine jeanmarie jeanna jeanne jeannetta jeannette jeannie jeannine jed jeff
jefferey jefferson jeffery jeffie jeffrey jeffry jen jena jenae jene jenee jenell jenelle
jenette jeneva jeni jenice jenifer jeniffer jenine jenise jenna jennefer jennell jennette jenni
jennie jennifer jenniffer jennine jenny jerald jeraldine jeramy jere jeremiah jeremy jeri jerica
jerilyn jerlene jermaine jerold jerome jeromy jerrell jerri jerrica jerrie jerrod jerrold jerry
jesenia jesica jess jesse jessenia jessi jessia jessica jessie jessika jestine jesus jesusa
jesusita jetta jettie jewel jewell ji jill jillian jim jimmie jimmy jin jina jinny jo joan joana
joane joanie joann joanna joanne joannie joaquin joaquina jocelyn jodee jodi jodie jody joe
joeann joel joella joelle joellen joesph joetta joette joey johana johanna johanne john johna
johnathan johnathon johnetta johnette johnie johnna johnnie johnny johnsie johnson joi joie
jolanda joleen jolene jolie joline jolyn jolynn jon jona jonah jonas jonathan jonathon jone
jonell jonelle jong joni jonie jonna jonnie jordan jordon jorge jose josef josefa josefina
josefine joselyn joseph josephina josephine josette josh joshua josiah josie joslyn jospeh
josphine josue jovan jovita joy joya joyce joycelyn joye juan juana juanita jude judi judie
judith judson judy jule julee julene jules juli julia julian juliana juliane juliann julianna
julianne julie julieann julienne juliet julieta julietta juliette julio julissa julius june jung
junie junior junita junko justa justin justina justine jutta ka kacey kaci kacie kacy kai kaila
kaitlin kaitlyn kala kaleigh kaley kali kallie kalyn kam kamala kami kamilah kandace kandi
kandice kandis kandra kandy kanesha kanisha kara karan kareem kareen karen karena karey kari
karie karima karin karina karine karisa karissa karl karla karleen karlene karly karlyn karma
karmen karol karole karoline karolyn karon karren karri karrie karry kary karyl karyn kasandra
kasey kasha kasi kasie kassandra kassie kate katelin katelyn katelynn katerine kathaleen
katharina katharine katharyn kathe katheleen katherin katherina katherine kathern katheryn
kathey kathi kathie kathleen kathlene kathline kathlyn kathrin kathrine kathryn kathryne kathy
kathyrn kati katia katie katina katlyn katrice katrina kattie katy kay kayce kaycee kaye kayla
kaylee kayleen kayleigh kaylene kazuko kecia keeley keely keena keenan keesha keiko keila keira
keisha keith keitha keli kelle kellee kelley kelli kellie kelly kellye kelsey kelsi kelsie
kelvin kemberly ken kena kenda kendal kendall kendra kendrick keneth kenia kenisha kenna kenneth
kennith kenny kent kenton kenya kenyatta kenyetta kera keren keri kermit kerri kerrie kerry
kerstin kesha keshia keturah keva keven kevin khadijah khalilah kia kiana kiara kiera kiersten
kiesha kieth kiley kim kimber kimberely kimberlee kimberley kimberli kimberlie kimberly kimbery
kimbra kimi kimiko kina kindra king kip kira kirby kirk kirsten kirstie kirstin kisha kit kittie
kitty kiyoko kizzie kizzy klara korey kori kortney kory kourtney kraig kris krishna krissy
krista kristal kristan kristeen kristel kristen kristi kristian kristie kristin kristina
kristine kristle kristofer kristopher kristy kristyn krysta krystal krysten krystin krystina
krystle krystyna kum kurt kurtis kyla kyle kylee kylie kym kymberly kyoko kyong kyra kyung lacey
lachelle laci lacie lacresha lacy ladawn ladonna lady lael lahoma lai laila laine lajuana
lakeesha lakeisha lakendra lakenya lakesha lakeshia lakia lakiesha lakisha lakita lala lamar
lamonica lamont lan lana lance landon lane lanell lanelle lanette lang lani lanie lanita lannie
lanny lanora laquanda laquita lara larae laraine laree larhonda larisa larissa larita laronda
larraine larry larue lasandra lashanda lashandra lashaun lashaunda lashawn lashawna lashawnda
lashay lashell lashon lashonda lashunda lasonya latanya latarsha latasha latashia latesha latia
laticia latina latisha latonia latonya latoria latosha latoya latoyia latrice latricia latrina
latrisha launa laura lauralee lauran laure laureen laurel lauren laurena laurence laurene
lauretta laurette lauri laurice laurie laurinda laurine lauryn lavada lavelle lavenia lavera
lavern laverna laverne laveta lavette lavina lavinia lavon lavona lavonda lavone lavonia lavonna
lavonne lawana lawanda lawanna lawerence lawrence layla layne lazaro le lea leah lean leana
leandra leandro leann leanna leanne leanora leatha leatrice lecia leda lee leeann leeanna
leeanne leena leesa leia leida leif leigh leigha leighann leila leilani leisa leisha lekisha
lela lelah leland lelia lemuel len lena lenard lenita lenna lennie lenny lenora lenore leo leola
leoma leon leona leonard leonarda leonardo leone leonel leonia leonida leonie leonila leonor
leonora leonore leontine leopoldo leora leota lera leroy les lesa lesha lesia leslee lesley
lesli leslie lessie lester leta letha leticia letisha letitia lettie letty levi lewis lexie
lezlie li lia liana liane lianne libbie libby liberty librada lida lidia lien lieselotte ligia
lila lili lilia lilian liliana lilla lilli lillia lilliam lillian lilliana lillie lilly lily lin
lina lincoln linda lindsay lindsey lindsy lindy linette ling linh linn linnea linnie lino linsey
linwood lionel lisa lisabeth lisandra lisbeth lise lisette lisha lissa lissette lita livia liz
liza lizabeth lizbeth lizeth lizette lizzette lizzie lloyd loan logan loida lois loise lola
lolita loma lon lona londa long loni lonna lonnie lonny lora loraine loralee lore lorean loree
loreen lorelei loren lorena lorene lorenza lorenzo loreta loretta lorette lori loria loriann
lorie lorilee lorina lorinda lorine loris lorita lorna lorraine lorretta lorri lorriane lorrie
lorrine lory lottie lou louann louanne louella louetta louie louis louisa louise loura lourdes
lourie louvenia love lovella lovetta lovie lowell loyce loyd lu luana luann luanna luanne luba
lucas luci lucia luciana luciano lucie lucien lucienne lucila lucile lucilla lucille lucina
lucinda lucio lucius lucrecia lucretia lucy ludie ludivina lue luella luetta luigi luis luisa
luise luke lula lulu luna lupe lupita lura lurlene lurline luther luvenia luz lyda lydia lyla
lyle lyman lyn lynda lyndia lyndon lyndsay lyndsey lynell lynelle lynetta lynette lynn lynna
lynne lynnette lynsey lynwood ma mabel mabelle mable mac machelle macie mack mackenzie macy
madalene madaline madalyn maddie madelaine madeleine madelene madeline madelyn madge madie
madison madlyn madonna mae maegan mafalda magali magaly magan magaret magda magdalen magdalena
magdalene magen maggie magnolia mahalia mai maia maida maile maira maire maisha maisie major
majorie makeda malcolm malcom malena malia malik malika malinda malisa malissa malka mallie
mallory malorie malvina mamie mammie man mana manda mandi mandie mandy manie manual manuel
manuela many mao maple mara maragaret maragret maranda marc marcel marcela marcelene marcelina
marceline marcelino marcell marcella marcelle marcellus marcelo marcene marchelle marci marcia
marcie marco marcos marcus marcy mardell maren marg margaret margareta margarete margarett
margaretta margarette margarita margarite margarito margart marge margene margeret margert
margery marget margherita margie margit margo margorie margot margret margrett marguerita
marguerite margurite margy marhta mari maria mariah mariam marian mariana marianela mariann
marianna marianne mariano maribel maribeth marica maricela maricruz marie mariel mariela
mariella marielle marietta mariette mariko marilee marilou marilu marilyn marilynn marin marina
marinda marine mario marion maris marisa marisela marisha marisol marissa marita maritza marivel
marjorie marjory mark marketta markita markus marla marlana marleen marlen marlena marlene
marlin marline marlo marlon marlyn marlys marna marni marnie marquerite marquetta marquis
marquita marquitta marry marsha marshall marta marth martha marti martin martina martine marty
marva marvel marvella marvin marvis marx mary marya maryalice maryam maryann maryanna maryanne
marybelle marybeth maryellen maryetta maryjane maryjo maryland marylee marylin maryln marylou
marylouise marylyn marylynn maryrose masako mason matha mathew mathilda mathilde matilda matilde
matt matthew mattie maud maude maudie maura maureen maurice mauricio maurine maurita mauro mavis
max maxie maxima maximina maximo maxine maxwell may maya maybell maybelle maye mayme maynard
mayola mayra mazie mckenzie mckinley meagan meaghan mechelle meda mee meg megan meggan meghan
meghann mei mel melaine melani melania melanie melany melba melda melia melida melina melinda
melisa melissa melissia melita mellie mellisa mellissa melodee melodi melodie melody melonie
melony melva melvin melvina melynda mendy mercedes mercedez mercy meredith meri merideth
meridith merilyn merissa merle merlene merlin merlyn merna merri merrie merrilee merrill merry
mertie mervin meryl meta mi mia mica micaela micah micha michael michaela michaele michal
michale micheal michel michele michelina micheline michell michelle michiko mickey micki mickie
miesha migdalia mignon miguel miguelina mika mikaela mike mikel miki mikki mila milagro milagros
milan milda mildred miles milford milissa millard millicent millie milly milo milton mimi min
mina minda mindi mindy minerva ming minh minna minnie minta miquel mira miranda mireille mirella
mireya miriam mirian mirna mirta mirtha misha miss missy misti mistie misty mitch mitchel
mitchell mitsue mitsuko mittie mitzi mitzie miyoko modesta modesto mohamed mohammad mohammed
moira moises mollie molly mona monet monica monika monique monnie monroe monserrate monte monty
moon mora morgan moriah morris morton mose moses moshe mozell mozella mozelle mui muoi muriel
murray my myesha myles myong myra myriam myrl myrle myrna myron myrta myrtice myrtie myrtis
myrtle myung na nada nadene nadia nadine naida nakesha nakia nakisha nakita nam nan nana nancee
nancey nanci nancie nancy nanette nannette nannie naoma naomi napoleon narcisa natacha natalia
natalie natalya natasha natashia nathalie nathan nathanael nathanial nathaniel natisha natividad
natosha neal necole ned neda nedra neely neida neil nelda nelia nelida nell nella nelle nellie
nelly nelson nena nenita neoma neomi nereida nerissa nery nestor neta nettie neva nevada neville
newton nga ngan ngoc nguyet nia nichelle nichol nicholas nichole nicholle nick nicki nickie
nickolas nickole nicky nicol nicola nicolas nicolasa nicole nicolette nicolle nida nidia niesha
nieves nigel niki nikia nikita nikki nikole nila nilda nilsa nina ninfa nisha nita noah noble
nobuko noe noel noelia noella noelle noemi nohemi nola nolan noma nona nora norah norbert
norberto noreen norene noriko norine norma norman normand norris nova novella nu nubia numbers
nydia nyla obdulia ocie octavia octavio oda odelia odell odessa odette odilia odis ofelia ok ola
olen olene oleta olevia olga olimpia olin olinda oliva olive oliver olivia ollie olympia oma
omar omega omer ona oneida onie onita opal ophelia ora oralee oralia oren oretha orlando orpha
orval orville oscar ossie osvaldo oswaldo otelia otha otilia otis otto ouida owen ozell ozella
ozie pa pablo page paige palma palmer palmira pam pamala pamela pamelia pamella pamila pamula
pandora pansy paola paris parker parthenia particia pasquale pasty pat patience patria patrica
patrice patricia patrick patrina patsy patti pattie patty paul paula paulene pauletta paulette
paulina pauline paulita paz pearl pearle pearlene pearlie pearline pearly pedro peg peggie peggy
pei penelope penney penni pennie penny percy perla perry pete peter petra petrina petronila
phebe phil philip phillip phillis philomena phoebe phung phuong phylicia phylis phyliss phyllis
pia piedad pierre pilar ping pinkie piper pok polly porfirio porsche porsha porter portia
precious preston pricilla prince princess priscila priscilla providencia prudence pura qiana
queen queenie quentin quiana quincy quinn quintin quinton quyen rachael rachal racheal rachel
rachele rachell rachelle racquel rae raeann raelene rafael rafaela raguel raina raisa raleigh
ralph ramiro ramon ramona ramonita rana ranae randa randal randall randee randell randi randolph
randy ranee raphael raquel rashad rasheeda rashida raul raven ray raye rayford raylene raymon
raymond raymonde raymundo rayna rea reagan reanna reatha reba rebbeca rebbecca rebeca rebecca
rebecka rebekah reda reed reena refugia refugio regan regena regenia reggie regina reginald
regine reginia reid reiko reina reinaldo reita rema remedios remona rena renae renaldo renata
renate renato renay renda rene renea renee renetta renita renna ressie reta retha retta reuben
reva rex rey reyes reyna reynalda reynaldo rhea rheba rhett rhiannon rhoda rhona rhonda ria
ricarda ricardo rich richard richelle richie rick rickey ricki rickie ricky rico rigoberto rikki
riley rima rina risa rita riva rivka rob robbi robbie robbin robby robbyn robena robert roberta
roberto robin robt robyn rocco rochel rochell rochelle rocio rocky rod roderick rodger rodney
rodolfo rodrick rodrigo rogelio roger roland rolanda rolande rolando rolf rolland roma romaine
roman romana romelia romeo romona ron rona ronald ronda roni ronna ronni ronnie ronny roosevelt
rory rosa rosalba rosalee rosalia rosalie rosalina rosalind rosalinda rosaline rosalva rosalyn
rosamaria rosamond rosana rosann rosanna rosanne rosaria rosario rosaura roscoe rose roseann
roseanna roseanne roselee roselia roseline rosella roselle roselyn rosemarie rosemary rosena
rosenda rosendo rosetta rosette rosia rosie rosina rosio rosita roslyn ross rossana rossie rosy
rowena roxana roxane roxann roxanna roxanne roxie roxy roy royal royce rozanne rozella ruben
rubi rubie rubin ruby rubye rudolf rudolph rudy rueben rufina rufus rupert russ russel russell
rusty ruth rutha ruthann ruthanne ruthe ruthie ryan ryann sabina sabine sabra sabrina sacha
sachiko sade sadie sadye sage sal salena salina salley sallie sally salome salvador salvatore
sam samantha samara samatha samella samira sammie sammy samual samuel sana sanda sandee sandi
sandie sandra sandy sanford sang sanjuana sanjuanita sanora santa santana santiago santina santo
santos sara sarah sarai saran sari sarina sarita sasha saturnina sau saul saundra savanna
savannah scarlet scarlett scot scott scottie scotty sean season sebastian sebrina see seema
selena selene selina selma sena senaida september serafina serena sergio serina serita seth
setsuko seymour sha shad shae shaina shakia shakira shakita shala shalanda shalon shalonda
shameka shamika shan shana shanae shanda shandi shandra shane shaneka shanel shanell shanelle
shani shanice shanika shaniqua shanita shanna shannan shannon shanon shanta shantae shantay
shante shantel shantell shantelle shanti shaquana shaquita shara sharan sharda sharee sharell
sharen shari sharice sharie sharika sharilyn sharita sharla sharleen sharlene sharmaine sharolyn
sharon sharonda sharri sharron sharyl sharyn shasta shaun shauna shaunda shaunna shaunta shaunte
shavon shavonda shavonne shawana shawanda shawanna shawn shawna shawnda shawnee shawnna shawnta
shay shayla shayna shayne shea sheba sheena sheila sheilah shela shelba shelby sheldon shelia
shella shelley shelli shellie shelly shelton shemeka shemika shena shenika shenita shenna shera
sheree sherell sheri sherice sheridan sherie sherika sherill sherilyn sherise sherita sherlene
sherley sherly sherlyn sherman sheron sherrell sherri sherrie sherril sherrill sherron sherry
sherryl sherwood shery sheryl sheryll shiela shila shiloh shin shira shirely shirl shirlee
shirleen shirlene shirley shirly shizue shizuko shon shona shonda shondra shonna shonta shoshana
shu shyla sibyl sid sidney sierra signe sigrid silas silva silvana silvia sima simon simona
simone simonne sina sindy siobhan sirena siu sixta skye slyvia so socorro sofia soila sol
solange soledad solomon somer sommer son sona sondra song sonia sonja sonny sonya soo sook soon
sophia sophie soraya sparkle spencer spring stacee stacey staci stacia stacie stacy stan
stanford stanley stanton star starla starr stasia stefan stefani stefania stefanie stefany
steffanie stella stepanie stephaine stephan stephane stephani stephania stephanie stephany
stephen stephenie stephine stephnie sterling steve steven stevie stewart stormy stuart su suanne
sudie sue sueann suellen suk sulema sumiko summer sun sunday sung sunni sunny sunshine susan
susana susann susanna susannah susanne susie susy suzan suzann suzanna suzanne suzette suzi
suzie suzy svetlana sybil syble sydney sylvester sylvia sylvie synthia syreeta ta tabatha
tabetha tabitha tad tai taina taisha tajuana takako takisha talia talisha talitha tam tama
tamala tamar tamara tamatha tambra tameika tameka tamekia tamela tamera tamesha tami tamica
tamie tamika tamiko tamisha tammara tammera tammi tammie tammy tamra tana tandra tandy taneka
tanesha tangela tania tanika tanisha tanja tanna tanner tanya tara tarah taren tari tarra tarsha
taryn tasha tashia tashina tasia tatiana tatum tatyana taunya tawana tawanda tawanna tawna tawny
tawnya taylor tayna ted teddy teena tegan teisha telma temeka temika tempie temple tena tenesha
tenisha tennie tennille teodora teodoro teofila tequila tera tereasa terence teresa terese
teresia teresita teressa teri terica terina terisa terra terrance terrell terrence terresa terri
terrie terrilyn terry tesha tess tessa tessie thad thaddeus thalia thanh thao thea theda thelma
theo theodora theodore theola theresa therese theresia theressa theron thersa thi thomas
thomasena thomasina thomasine thora thresa thu thurman thuy tia tiana tianna tiara tien tiera
tierra tiesha tifany tiffaney tiffani tiffanie tiffany tiffiny tijuana tilda tillie tim timika
timmy timothy tina tinisha tiny tisa tish tisha titus tobi tobias tobie toby toccara tod todd
toi tom tomas tomasa tomeka tomi tomika tomiko tommie tommy tommye tomoko tona tonda tonette
toney toni tonia tonie tonisha tonita tonja tony tonya tora tori torie torri torrie tory tosha
toshia toshiko tova towanda toya tracee tracey traci tracie tracy tran trang travis treasa
treena trena trent trenton tresa tressa tressie treva trevor trey tricia trina trinh trinidad
trinity trish trisha trista tristan troy trudi trudie trudy trula truman tu tuan tula tuyet
twana twanda twanna twila twyla ty tyesha tyisha tyler tynisha tyra tyree tyrell tyron tyrone
tyson ula ulrike ulysses un una ursula usha ute vada val valarie valda valencia valene valentin
valentina valentine valeri valeria valerie valery vallie valorie valrie van vance vanda vanesa
vanessa vanetta vania vanita vanna vannesa vannessa vashti vasiliki vaughn veda velda velia
vella velma velva velvet vena venessa venetta venice venita vennie venus veola vera verda
verdell verdie verena vergie verla verlene verlie verline vern verna vernell vernetta vernia
vernice vernie vernita vernon verona veronica veronika veronique versie vertie vesta veta vi
vicenta vicente vickey vicki vickie vicky victor victoria victorina vida viki vikki vilma vina
vince vincent vincenza vincenzo vinita vinnie viola violet violeta violette virgen virgie virgil
virgilio virgina virginia vita vito viva vivan vivian viviana vivien vivienne von voncile vonda
vonnie wade wai waldo walker wallace wally walter walton waltraud wan wanda waneta wanetta
wanita ward warner warren wava waylon wayne wei weldon wen wendell wendi wendie wendolyn wendy
wenona werner wes wesley weston whitley whitney wilber wilbert wilbur wilburn wilda wiley
wilford wilfred wilfredo wilhelmina wilhemina will willa willard willena willene willetta
willette willia william williams willian willie williemae willis willodean willow willy wilma
wilmer wilson wilton windy winford winfred winifred winnie winnifred winona winston winter wm
wonda woodrow wyatt wynell wynona xavier xenia xiao xiomara xochitl xuan yadira yaeko yael
yahaira yajaira yan yang yanira yasmin yasmine yasuko yee yelena yen yer yesenia yessenia yetta
yevette yi ying yoko yolanda yolande yolando yolonda yon yong yoshie yoshiko youlanda young yu
yuette yuk yuki yukiko yuko yulanda yun yung yuonne yuri yuriko yvette yvone yvonne zachariah
zachary zachery zack zackary zada zaida zana zandra zane zelda zella zelma zena zenaida zenia
zenobia zetta zina zita zoe zofia zoila zola zona zonia zora zoraida zula zulema zulma
"""

_FAMILY = """
aaron abbott abel abell abernathy abner abney abraham abrams abreu acevedo acker ackerman ackley
acosta acuna adair adam adame adams adamson adcock addison adkins adler agee agnew aguayo aguiar
aguilar aguilera aguirre ahern ahmad ahmed ahrens aiello aiken ainsworth akers akin akins alaniz
alarcon alba albers albert albertson albrecht albright albritton alcala alcorn alderman aldrich
aldridge aleman alexander alfaro alfonso alford alfred alger ali alicea allan allard allen alley
allison allman allred almanza almeida almond alonso alonzo alston altman alvarado alvarez alves
amador amaral amato amaya ambrose ames ammons amos amundson anaya anders andersen anderson
andrade andre andres andrew andrews andrus angel angelo anglin angulo anthony antoine antonio
apodaca aponte appel apple applegate appleton aquino aragon aranda araujo arce archer archibald
archie archuleta arellano arevalo arias armenta armijo armstead armstrong arndt arnett arnold
arredondo arreola arriaga arrington arriola arroyo arsenault arteaga arthur artis asbury ash
ashby ashcraft ashe asher ashford ashley ashmore ashton ashworth askew atchison atherton atkins
atkinson atwell atwood august augustine ault austin autry avalos avery avila aviles ayala ayers
ayres babb babcock baber babin baca bach bachman back bacon bader badger badillo baer baez
baggett bagley bagwell bailey bain baines bair baird baker balderas baldridge baldwin bales ball
ballard ballinger ballou banda bandy banks bankston banner bannister banuelos baptiste barajas
barba barbee barber barbosa barbour barclay bard barden barela barfield barger barham barker
barkley barksdale barlow barnard barnes barnett barnette barney barnhart barnhill baron barone
barr barraza barrera barreto barrett barrientos barringer barrios barron barrow barrows barry
bartels barth bartholomew bartlett bartley barton basham baskin bass bassett batchelor bateman
bates batista batiste batson battaglia batten battle battles batts bauer baugh baughman baum
bauman baumann baumgardner baumgartner bautista baxley baxter bayer baylor bayne bays beach beal
beale beall beals beam beaman beamon bean beane bear beard bearden beardsley beasley beattie
beatty beaty beauchamp beaudoin beaudry beaulieu beauregard beaver beavers becerra bechtel beck
becker beckett beckham beckman beckwith becnel bedard bedford beebe beeler beers beeson begay
begley behrens belanger belcher bell bellamy bello belt belton beltran benavides benavidez
bender benedict benefield benge benitez benjamin benner bennett benoit benson bentley benton
berg berger bergeron bergman bergstrom berlin berman bermudez bernal bernard bernhardt bernier
bernstein berrios berry berryman bertram bertrand berube bess best betancourt bethea bethel
bettencourt bettis betts betz beverly bevins bey beyer bible bickford biddle bigelow biggs
billings billingsley billiot bills billups bilodeau binder bingham binkley birch bird bishop
bisson bittner bivens bivins black blackburn blackman blackmon blackwell blackwood blaine blair
blais blake blakely blalock blanchard blanchette blanco bland blank blankenship blanks blanton
blaylock bledsoe blevins bliss block blocker blodgett bloom blount blue blum blunt blythe
boatman boatright boatwright bobbitt bobo bock boehm boettcher bogan boggs bohannon bohn
boisvert boland bolden bolduc bolen boles bolin boling bolling bollinger bolt bolton bond bonds
bone bonilla bonner book booker boone booth boothe bordelon borden borders boren borges borrego
bosley boss bostic bostick boston boswell bottoms bouchard boucher boudreau boudreaux bounds
bourgeois bourne bourque bowden bowen bowens bower bowers bowie bowler bowles bowlin bowling
bowman bowser box boyce boyd boyer boyette boykin boyle boyles boynton bozeman bracken brackett
bradbury braden bradford bradley bradshaw brady bragg branch brand brandenburg brandon brandt
branham brannon branson brant brantley braswell bratcher bratton braun bravo braxton bray brazil
breaux breeden breedlove breen breland brennan brenner brent brewer brewster brice bridges
briggs brigham bright briley brill brim brink brinkley brinkman brinson briones briscoe briseno
brito britt brittain britton broadnax broadway brock brockman broderick brody brogan bromley
bronson brookins brooks brookshire broome brothers broughton broussard browder brower brown
browne brownell browning brownlee broyles brubaker bruce brumfield bruner brunner bruno bruns
brunson bruton bryan bryant bryson buchanan bucher buck buckingham buckley buckner bueno
buffington buford bui buie bull bullard bullock bumgarner bunch bundy bunker bunn bunnell
bunting burbank burch burchett burchfield burden burdette burdick burge burger burgess burgos
burk burke burkett burkhart burkholder burks burleson burley burnett burnette burney burnham
burns burnside burr burrell burris burroughs burrow burrows burt burton busby busch bush buss
bussey bustamante bustos butcher butler butterfield button butts buxton byars byers bynum byrd
byrne byrnes caballero caban cable cabral cabrera cade cady cage cagle cahill cain calabrese
calderon caldwell calhoun calkins call callaghan callahan callaway callender calloway calvert
calvin camacho camara camarillo cambell cameron camp campbell campos canada canady canales
candelaria canfield cannon cano cantrell cantu cantwell canty capps caraballo caraway carbajal
carbone card carden cardenas carder cardona cardoza cardwell carey carl carlin carlisle carlos
carlson carlton carmack carman carmichael carmona carnahan carnes carney caro caron carpenter
carper carr carranza carrasco carrera carrico carrier carrillo carrington carrion carroll carson
carswell carter cartwright caruso carvalho carver cary casanova casas case casey cash casillas
caskey cason casper cass cassell cassidy castaneda casteel castellano castellanos castillo
castle castleberry castro caswell catalano cate cates cathey catlett cato catron caudill caudle
causey cavanaugh cavazos cave cazares cecil ceja centeno cerda cervantes chacon chadwick chaffin
chalmers chamberlain chamberlin chambers chambliss champagne champion chan chance chandler
chaney chang chapa chapin chapman chappell charles charlton chase chastain chatman chau
chavarria chaves chavez chavis cheatham cheek chen cheney cheng cherry chesser chester chestnut
cheung chew child childers childress childs chilton chin chinn chisholm chism chisolm chitwood
chiu cho choate choi chong chow christ christensen christenson christian christiansen
christianson christie christman christmas christopher christy chu chun chung church churchill
cintron cisneros clancy clanton clapp clark clarke clarkson clary clausen clawson clay clayton
cleary clegg clem clemens clement clemente clements clemmons clemons cleveland clevenger click
clifford clifton cline clinton close cloud clough clouse cloutier coates coats cobb cobbs coble
coburn cochran cochrane cockrell cody coe coffey coffin coffman coggins cohen cohn coker colbert
colburn colby cole coleman coles coley collado collazo collett collette colley collier collins
colon colson colvin colwell combs comeaux comer compton comstock conaway concepcion condon cone
conger conklin conley conn connell connelly conner conners connolly connor connors conover
conrad conroy conte conti contreras conway conyers cook cooke cooks cooksey cooley coombs coon
cooney coons cooper cope copeland copley coppola corbett corbin corbitt corcoran cordell cordero
cordova corey corley cormier cornejo cornelius cornell cornett cornish cornwell corona coronado
corral correa correia corrigan cortes cortez corwin cosby cosgrove costa costello cota cote
cothran cotter cottle cotton cottrell couch coughlin coulter council counts courtney cousins
couture covert covey covington cowan coward cowart cowell cowles cowley cox coy coyle coyne
crabtree craddock craft craig crain cramer crandall crane cranford craven crawford crawley
crayton creamer creech creed creel creighton crenshaw crespo cress crews crider crisp crist
criswell crittenden crocker crockett croft cromer cromwell cronin crook crooks crosby cross
croteau crouch crouse crow crowder crowe crowell crowley crum crump crumpton cruse crutcher
crutchfield cruz cuellar cuevas culbertson cullen culp culpepper culver cummings cummins
cunningham cupp curley curran currie currier curry curtin curtis cushing cushman custer cutler
cyr dabbs dabney dagostino dahl daigle dailey daily dale daley dallas dalton daly damico damon
damron dancy danforth dang dangelo daniel daniels danielson danner darby darden darling darnell
dasilva daugherty daughtry davenport david davidson davies davila davis davison dawkins dawson
day dayton deal dean deane deaton deberry deboer decker dees dehart dejesus delacruz delagarza
delaney delarosa delatorre deleon delgadillo delgado dell dellinger deloach delong delossantos
deluca delvalle demarco demers dempsey denham denman denney denning dennis dennison denny denson
dent denton derosa derr derrick desantis desimone desjardins devine devito devlin devore devries
dew dewey dewitt dexter deyoung dial diamond dias diaz dibble dick dickens dickerson dickey
dickinson dickson diehl dietrich dietz diggs dill dillard dillon dingle dinkins dion dionne dix
dixon do doan dobbins dobbs dobson dockery dodd dodds dodge dodson doe doherty dolan doll dollar
domingo dominguez dominquez donahue donald donaldson donato donley donnell donnelly donohue
donovan dooley doolittle doran dorman dorn dorris dorsey dortch doss dotson doty doucette
dougherty doughty douglas douglass dove dover dow dowd dowdell dowdy dowell dowling downes
downey downing downs doyle dozier drake draper drayton drew driggers driscoll driver drummond
drury duarte dube dubois dubose duckett duckworth dudley duff duffy dugan dugas duggan dugger
duke dukes dulaney dumas dumont dunaway dunbar duncan dunham dunlap dunn dunne dunning duong
dupont dupre dupree dupuis duran durand durant durbin durden durham durkin durr dutton duval
duvall dwyer dye dyer dykes dyson eads eagle earl earle earley earls early earnest easley eason
east easter easterling eastman easton eaton eaves ebert echevarria echols eck eckert eddy eden
edgar edge edmond edmonds edmondson edward edwards egan eggleston elam elder eldridge elias
elizondo elkins eller ellington elliot elliott ellis ellison ellsworth elmore elrod elston ely
emanuel embry emerson emery emmons eng engel england engle english ennis enos enright enriquez
epperson epps epstein erdmann erickson ernst ervin erwin escalante escamilla escobar escobedo
eskridge esparza espinal espino espinosa espinoza esposito esquivel estep estes estevez estrada
estrella etheridge ethridge eubanks evans everett everhart evers everson ewing ezell faber
fabian fagan fahey fain fair fairbanks fairchild fairley faison fajardo falcon falk fallon falls
fannin fanning farias farley farmer farnsworth farr farrar farrell farrington farris farrow
faulk faulkner faust fawcett fay feeney felder feldman feliciano felix fellows felton felts
fender fennell fenner fenton fenwick ferguson fernandes fernandez ferrara ferrari ferraro
ferreira ferrell ferrer ferris ferro ferry field fielder fields fierro fife figueroa finch
fincher findley fine fink finley finn finnegan finney fiore fischer fish fisher fishman fisk
fitch fite fitts fitzgerald fitzpatrick fitzsimmons flagg flaherty flanagan flanders flanigan
flannery fleck fleming flemming fletcher flint flood flora florence flores florez flournoy
flowers floyd flynn fogarty fogg fogle foley folk folse folsom foltz fong fonseca fontaine
fontenot foote forbes ford foreman forest foret forman forney forrest forrester forster forsyth
forsythe fort forte fortenberry fortier fortin fortner fortney fortune foss foster fountain
fournier foust fowler fowlkes fox foy fraley frame france francis francisco franco francois
frank franklin franks frantz franz fraser frasier frazer frazier frederick fredericks fredrick
fredrickson free freed freedman freeland freeman freese freitas french freund frey frias frick
friday fried friedman friend frierson fries fritz frizzell frost fry frye fryer fuchs fuentes
fugate fulcher fulkerson fuller fullerton fulmer fulton fultz funderburk funk fuqua furlong
furman furr fusco gabbard gable gabriel gaddis gaddy gaffney gage gagne gagnon gaines gainey
gaither galarza galbraith gale galindo gall gallagher gallant gallardo gallegos gallo galloway
galvan galvez galvin gamble gamboa gamez gandy gann gannon gant gantt garay garber garcia
gardiner gardner garland garmon garner garnett garrett garris garrison garvey garvin gary garza
gaskin gaskins gass gaston gates gatewood gatlin gault gauthier gavin gay gayle gaylord gaytan
gearhart geary gee geer geiger gentile gentry george gerald gerard gerber german getz gibbons
gibbs gibson gifford gil gilbert gilbertson gilbreath gilchrist giles gill gillen gillespie
gillette gilley gilliam gilliland gillis gillum gilman gilmer gilmore gilson ginn giordano
gipson girard giron giroux gist givens gladden gladney glaser glasgow glass glaze gleason glenn
glover glynn goad goble goddard godfrey godinez godwin goebel goetz goff goforth goins gold
goldberg golden golding goldman goldsmith goldstein gomes gomez gonsalves gonzales gonzalez
gooch good goode gooden goodin gooding goodman goodrich goodson goodwin goolsby gordon gore
gorham gorman goss gossett gough gould goulet gower grace gracia grady graf graff gragg graham
granados granger grant grantham graves gray grayson greathouse greco green greenberg greene
greenfield greenlee greenwood greer gregg gregory greiner grenier gresham grey grice grider
grier griffin griffis griffith griffiths griggs grigsby grimes grimm grisham grissom griswold
groce groff grogan grooms gross grossman grove grover groves grubb grubbs gruber guajardo guay
guenther guerin guerra guerrero guess guest guevara guffey guido guidry guillen guillory guinn
gulley gunderson gunn gunter gunther gurley gustafson guthrie gutierrez guy guyton guzman ha
haag haas haase hacker hackett hackney haddad hadden hadley hagan hagen hager haggard haggerty
hahn haight hailey haines hair hairston halcomb hale hales haley hall haller hallman halsey
halstead halverson ham hamblin hamby hamel hamer hamilton hamlin hamm hammer hammett hammond
hammonds hammons hampton hamrick han hancock hand handley handy hanes haney hankins hanks hanley
hanlon hanna hannah hannan hannon hansen hanson harbin hardaway hardee harden harder hardesty
hardin harding hardison hardman hardwick hardy hare hargett hargis hargrave hargrove harkins
harlan harless harley harlow harman harmon harms harness haro harp harper harr harrell
harrington harris harrison harry hart harter hartley hartman hartmann hartnett hartwell harvey
harwell harwood haskell haskins hass hassell hastings hatch hatcher hatchett hatfield hathaway
hatley hatton haugen hauser havens hawes hawk hawkins hawks hawley hawthorne hay hayden hayes
haynes hays hayward haywood hazel head headley headrick healey healy heard hearn heath heaton
hebert heck heckman hedgepeth hedges hedrick heffner heflin hefner heilman heim hein heinrich
heinz held heller helm helms helton hembree hemphill henderson hendon hendrick hendricks
hendrickson hendrix henke henley hennessey henning henry hensley henson her herbert heredia
herman hermann hernandez herndon herr herrera herrick herrin herring herrington herrmann herron
hershberger herzog hess hester hetrick hewitt heyward hiatt hibbard hickey hickman hicks hickson
hidalgo higdon higginbotham higgins higgs high hightower hildebrand hildreth hill hillard hiller
hilliard hillman hills hilton himes hindman hinds hines hinkle hinojosa hinson hinton hirsch
hitchcock hite hitt hixson ho hoag hoang hobbs hobson hodge hodges hodgson hoff hoffman hoffmann
hofmann hogan hogg hogue hoke holbrook holcomb holcombe holden holder holguin holiday holland
hollenbeck holley holliday holliman hollingsworth hollins hollis holloman holloway holly holm
holman holmes holt holton holtz homan homer honeycutt hong hood hook hooker hooks hooper hoover
hope hopkins hoppe hopper hopson horan horn horne horner horning hornsby horowitz horsley horst
horton horvath hoskins hostetler houck hough houghton houle house houser houston howard howe
howell howerton howes howland hoy hoyle hoyt hsu huang hubbard huber hubert huddleston hudgens
hudgins hudson hudspeth huerta huey huff huffman huggins hughes hughey hull hulsey hume humes
hummel humphrey humphreys humphries hundley hunt hunter huntington huntley hurd hurley hurst
hurt hurtado huskey hussey huston hutchens hutcherson hutcheson hutchings hutchins hutchinson
hutchison hutson hutto hutton huynh hwang hyatt hyde hyland hylton hyman hynes ibarra ingalls
ingle ingraham ingram inman irby ireland irish irizarry irons irvin irvine irving irwin isaac
isaacs isaacson isbell isom ison israel iverson ives ivey ivory ivy jack jackman jacks jackson
jacob jacobs jacobsen jacobson jacoby jacques jaeger jaime james jameson jamieson jamison janes
jankowski jansen janssen jaramillo jarman jarrell jarrett jarvis jasper jasso jay jaynes jean
jefferies jeffers jefferson jeffery jeffrey jeffries jenkins jennings jensen jenson jernigan
jerome jessup jeter jett jewell jewett jimenez jobe joe johansen john johns johnson johnston
joiner jolley jolly jones jordan jordon jorgensen jorgenson jose joseph joy joyce joyner juarez
judd jude judge judkins julian jung justice justus kahn kaiser kaminski kane kang kaplan karr
kasper katz kauffman kaufman kay kaye keane kearney kearns keating keaton keck kee keefe keefer
keegan keel keeler keeling keen keenan keene keener keeney keeton keister keith kell kelleher
keller kelley kellogg kellum kelly kelsey kelso kemp kemper kendall kendrick kennedy kenney
kenny kent kenyon kern kerns kerr kersey kessler ketchum key keyes keys keyser khan kidd kidwell
kiefer kilgore killian kilpatrick kim kimball kimble kimbrell kimbrough kimmel kinard kincaid
kinder king kingsbury kingsley kinney kinsey kirby kirchner kirk kirkland kirkpatrick kirkwood
kiser kish kitchen kitchens klein kline klinger knapp knight knoll knott knotts knowles knowlton
knox knudsen knudson knutson koch koehler koenig kohl kohler kohn kolb kong koonce koontz kopp
kovach kowalski kozak kozlowski kraft kramer kraus krause krauss krebs krieger kroll krueger
krug kruger kruse kuhn kunkel kuntz kunz kurtz kuykendall kyle labbe labelle labonte lacey
lachance lackey lacroix lacy ladd ladner lafferty laflamme lafleur lahr lai laird lake lam lamar
lamb lambert lamm lamontagne lancaster lance land landers landis landon landrum landry lane
laney lang langdon lange langer langford langley langlois langston lanham lanier lankford
lanning lantz laplante lapointe laporte lara large larkin laroche larose larry larsen larson
larue lash lashley lassiter laster latham latimer lattimore lau lauer laughlin lavender lavigne
lavoie law lawhorn lawler lawless lawrence laws lawson lawton lay layman layne layton le lea
leach leahy leak leake leal lear leary leatherman leavitt leblanc leboeuf lebron leclair
ledbetter ledesma ledet ledford ledoux lee leeper lees lefebvre leger legg leggett lehman
lehmann leigh leighton lemaster lemay lemieux lemke lemmon lemon lemons lemus lennon lentz lenz
leon leonard leone lerma lerner leroy leslie lessard lester leung levesque levi levin levine
levy lew lewandowski lewis leyva li libby liddell lieberman light lightfoot lightner ligon liles
lilley lilly lim lima limon lin linares lincoln lind lindberg linder lindgren lindley lindquist
lindsay lindsey lindstrom link linkous linn linton linville lipscomb lira lister little
littlefield littlejohn littleton liu lively livingston lloyd lo lock locke lockett lockhart
locklear lockwood loera loftin loftis lofton loftus logan logsdon logue lohr lomax lombard
lombardi lombardo london long longo longoria loomis looney loper lopes lopez lord lorenz lorenzo
lott louis love lovejoy lovelace loveless lovell lovett loving low lowe lowell lowery lowman
lowry loy loya loyd lozano lu lucas luce lucero luciano luckett ludwig lugo luis lujan luke
lumpkin luna lund lundberg lundgren lundy lunn lunsford luong lusk luster luther luttrell lutz
ly lyle lyles lyman lynch lynn lyon lyons lytle ma maas mabe mabry macdonald mace machado macias
mack mackay mackenzie mackey mackie macklin maclean macleod macmillan macon macpherson madden
maddox madera madigan madison madrid madrigal madsen maes maestas magana magee maggard magnuson
maguire mahaffey mahan maher mahon mahoney maier main major majors maki malcolm maldonado
mallard malley mallory malloy malone maloney mancini mancuso maness mangum manley mann manning
manns mansfield manson manuel manzo maple maples marble march marchand marcotte marcum marcus
mares marin marino marion mark markham markley marks marler marlow marlowe marquardt marquez
marquis marr marra marrero marroquin marsh marshall martel martell martens martin martindale
martinez martino martins martinson martz marvin marx mason massey massie mast masters masterson
mata matheny matheson mathews mathias mathis matias matlock matney matos matson matteson matthew
matthews mattingly mattison mattos mattox mattson mauldin maupin maurer mauro maxey maxfield
maxwell may mayberry mayer mayers mayes mayfield mayhew maynard mayo mays mazza mcadams mcafee
mcalister mcallister mcarthur mcbee mcbride mccabe mccaffrey mccain mccall mccallister mccallum
mccann mccants mccarter mccarthy mccartney mccarty mccaskill mccauley mcclain mcclanahan mcclary
mccleary mcclellan mcclelland mcclendon mcclintock mcclinton mccloskey mccloud mcclung mcclure
mccollum mccombs mcconnell mccool mccord mccorkle mccormack mccormick mccoy mccracken mccrary
mccray mccreary mccrory mccue mcculloch mccullough mccune mccurdy mccurry mccutcheon mcdade
mcdaniel mcdaniels mcdermott mcdonald mcdonnell mcdonough mcdougal mcdougall mcdowell mcduffie
mcelroy mcewen mcfadden mcfall mcfarland mcfarlane mcgee mcgehee mcghee mcgill mcginnis mcgough
mcgovern mcgowan mcgrath mcgraw mcgregor mcgrew mcgriff mcguire mchenry mchugh mcinnis mcintire
mcintosh mcintyre mckay mckee mckeever mckenna mckenney mckenzie mckeon mckeown mckinley
mckinney mckinnon mcknight mclain mclane mclaughlin mclaurin mclean mclemore mclendon mcleod
mcmahan mcmahon mcmanus mcmaster mcmichael mcmillan mcmillen mcmillian mcmullen mcmullin
mcmurray mcnabb mcnair mcnally mcnamara mcnamee mcneal mcneely mcneil mcneill mcnulty mcnutt
mcpherson mcqueen mcrae mcreynolds mcswain mcvay mcvey mcwhorter mcwilliams meacham mead meade
meador meadows means mears medeiros medina medley medlin medlock medrano meehan meek meeker
meeks meier mejia melancon melendez mello melton melvin mena menard mendenhall mendes mendez
mendoza menendez mercado mercer merchant mercier meredith merrell merrick merrill merriman
merritt mesa messenger messer messina metcalf metz metzger metzler meyer meyers meza michael
michaels michaud michel michels mickens middleton milam milburn miles miley millard miller
milligan milliken mills milne milner milton mims miner minnick minor minter minton mintz miranda
mireles mitchel mitchell mixon mize mobley mock moe moeller moen moffett moffitt mohr mojica
molina moll monaco monaghan monahan mondragon money moniz monk monroe monson montague montalvo
montanez montano montemayor montenegro montero montes montez montgomery montoya moody moon
mooney moore moorman mora morales moran moreau morehead moreland moreno morey morgan moriarty
morin morley morrell morrill morris morrison morrissey morrow morse mortensen morton mosby
moseley moser moses mosher mosier mosley moss mota moten motley mott moulton moultrie mount
mouton mowery moya moye moyer mueller muhammad muir mulkey mull mullen muller mulligan mullin
mullins mullis muncy mundy munger muniz munn munoz munson murdock murillo murphy murray murrell
murry muse musgrove musselman musser myers myles myrick nabors nadeau nagel nagle nagy nail
najera nakamura nall nance napier naquin naranjo narvaez nash nason nathan nation nava navarrete
navarro naylor neal nealy necaise needham neel neeley neely neff negrete negron neil neill nelms
nelson nemeth nesbitt nesmith ness nestor nettles neuman neumann nevarez neville new newberry
newby newcomb newell newkirk newman newsom newsome newton ng ngo nguyen nicholas nichols
nicholson nickel nickerson nielsen nielson nieto nieves niles nix nixon noble nobles noe noel
nolan noland nolen noll noonan norfleet noriega norman norris north norton norwood novak novotny
nowak nowell nowlin noyes nugent null numbers nunes nunez nunley nunn nutt nutter nye oakes
oakley oaks oates obrien obryan ocampo ocasio ochoa ochs oconnell oconner oconnor odell oden
odom odonnell odum ogden ogle oglesby oh ohara ojeda okeefe oldham olds oleary oliphant oliva
olivares olivarez olivas olive oliveira oliver olivo olmstead olsen olson olvera omalley oneal
oneil oneill ontiveros oquendo ordonez oreilly orellana orlando ornelas orosco orourke orozco
orr orta ortega orth ortiz orton osborn osborne osburn osgood oshea osorio osteen ostrander
osullivan oswald oswalt otero otis otoole ott otto ouellette outlaw overby overstreet overton
owen owens pace pacheco pack packard packer padgett padilla pagan page paige paine painter pak
palacios palma palmer palumbo pannell pantoja pape pappas paquette paradis pardo paredes parent
parham paris parish park parker parkinson parks parnell parr parra parris parrish parrott parry
parson parsons partin partridge passmore pate patel paterson patino patrick patten patterson
patton paul pauley paulk paulsen paulson paxton payne payton paz peace peachey peacock peak
pearce pearl pearsall pearson pease peck pedersen pederson pedigo pedroza peebles peek peel
peeler peeples pellegrino pelletier peltier pemberton pena pence pender pendergrass pendleton
penn pennell pennington penny penrod peoples pepper perales peralta perdue perea pereira perez
perkins perreault perrin perron perry perryman person peter peterman peters petersen peterson
petit petrie pettigrew pettis pettit pettway petty peyton pfeifer pfeiffer pham phan phelan
phelps phifer philips phillip phillips phipps piazza picard pichardo pickard pickens pickering
pickett pierce pierre pierson pike pilcher pimentel pina pinckney pineda pinkerton pinkney
pinkston pino pinson pinto piper pipkin pippin pitcher pitman pitre pitt pittman pitts place
plante platt pleasant plummer plunkett poe pogue poindexter pointer poirier polanco poland
poling polk pollack pollard pollock pomeroy ponce pond ponder pool poole poore pope popp porter
porterfield portillo posey post poston potter potts poulin pounds powell power powers prado
prater prather pratt prentice prescott presley pressley preston prewitt price prichard pride
pridgen priest prieto prince pringle pritchard pritchett proctor proffitt prosser provost pruett
pruitt pryor puckett puente pugh pulido pullen pulley pulliam purcell purdy purnell purvis
putman putnam pyle qualls quarles queen quezada quick quigley quillen quinlan quinn quinones
quinonez quintana quintanilla quintero quiroz race rader radford rafferty ragan ragland ragsdale
raines rainey rains raley ralph ralston ramey ramirez ramon ramos ramsay ramsey rand randall
randle randolph raney rangel rankin ransom rapp rash rasmussen ratcliff ratliff rau rauch rausch
rawlings rawlins rawls ray rayburn rayford raymond raynor razo rea read reagan reardon reaves
rector redd redden reddick redding reddy redman redmon redmond reece reed reeder reedy rees
reese reeve reeves regalado regan register reich reichert reid reilly reinhardt reinhart reis
reiss reiter reitz rendon renfro renner reno renteria reuter rey reyes reyna reynolds reynoso
rhea rhoades rhoads rhoden rhodes rhyne ricci rice rich richard richards richardson richey
richie richmond richter rickard ricker ricketts rickman ricks rico riddell riddick riddle
ridenour rider ridgeway ridley rife rigby riggins riggs rigsby riley rinaldi rincon rinehart
ring rios ripley ritchey ritchie ritter rivard rivas rivera rivero rivers rizzo roach roark robb
robbins roberge roberson robert roberts robertson robey robinette robins robinson robison
robledo robles robson roby rocha roche rock rockwell roddy roden roderick rodgers rodman
rodrigue rodrigues rodriguez rodriquez roe roger rogers rohde rohr rojas roland roldan roller
rollins roman romano rome romeo romero romo roney rooney root roper roque rosa rosado rosales
rosario rosas rose rosen rosenbaum rosenberg rosenthal ross rosser rossi roth rounds roundtree
rountree rouse roush rousseau roussel rowan rowe rowell rowland rowley roy royal roybal royer
royster rubin rubio ruby rucker rudd rudolph ruff ruffin ruiz runyan runyon rupert rupp rush
rushing russ russell russo rust ruth rutherford rutledge rutter ryan ryder saavedra sabo sacco
saddler sadler saenz sage sager salas salazar salcedo salcido saldana saldivar salerno sales
salgado salinas salisbury sallee salley salmon salter salyer sam sammons sample samples sampson
sams samson samuel samuels sanborn sanches sanchez sandberg sander sanders sanderson sandlin
sandoval sands sanford santana santiago santoro santos sapp sargent sasser satterfield saucedo
saucier sauer saul sauls saunders savage savoy sawyer sawyers saxon saxton sayers saylor sayre
scales scanlon scarborough scarbrough schaefer schaeffer schafer schaffer schell schenk scherer
schiller schilling schindler schmid schmidt schmitt schmitz schneider schofield scholl
schoonover schott schrader schramm schreiber schreiner schroeder schubert schuler schulte
schultz schulz schulze schumacher schuster schwab schwartz schwarz schweitzer scoggins scott
scribner scroggins scruggs scully seal seale seals seaman searcy sears seaton seay sebastian see
seeley seely segal segura seibert seidel seifert seiler seitz selby self sell sellars sellers
sells sena sepulveda serna serrano sessions settle settles severson seward sewell sexton seymore
seymour shackelford shade shafer shaffer shah shanahan shank shanks shannon shapiro sharkey
sharp sharpe shaver shaw shay shea shearer sheehan sheets sheffield shelby sheldon shell shelley
shelly shelton shepard shephard shepherd sheppard sheridan sherman sherrill sherrod sherry
sherwood shields shifflett shin shinn shipley shipman shipp shirley shively shivers shockley
shoemaker shook shore shores short shorter shrader shuler shull shultz shumaker shuman shumate
sibley sides siegel sierra sigler sigmon sikes silas siler sills silva silver silverman silvers
silvia simmons simms simon simone simons simonson simpkins simpson sims sinclair singer singh
singletary singleton sipes sisco sisk sisson sizemore skaggs skeen skelton skidmore skinner
skipper slack slade slagle slater slaton slattery slaughter slayton sledge sloan slocum slone
small smalley smalls smallwood smart smiley smith smithson smoot smothers smyth snead sneed
snell snider snipes snodgrass snook snow snowden snyder soares soileau solano solis soliz
solomon somers somerville sommer sommers song sonnier soper sorensen sorenson soria soriano
sorrell sosa sotelo soto soule sousa south southard southerland southern souza sowell sowers
spain spalding spangler spann sparkman sparks sparrow spaulding spear spearman spears speed
speer speight spellman spence spencer sperry spicer spillman spinks spivey spooner spradlin
sprague spriggs spring springer sprouse spruill spurgeon spurlock squires stacey stack
stackhouse stacy stafford staggs stahl staley stallings stallworth stamm stamper stamps
stanfield stanford stanley stansberry stanton staples stapleton stark starkey starks starling
starnes starr staten staton stauffer stclair steadman stearns steed steel steele steen steffen
stegall stein steinberg steiner stephen stephens stephenson stepp sterling stern stevens
stevenson steward stewart stidham stiles still stillman stillwell stiltner stine stinnett
stinson stitt stjohn stock stockton stoddard stoker stokes stoll stone stoner stonge storey
storm story stott stout stovall stover stowe stowers stpierre strader strain strand strange
stratton straub strauss street streeter strickland stricklin stringer strom strong strother
stroud stroup strunk stuart stubblefield stubbs stuckey stull stump sturdivant sturgeon sturgill
sturgis sturm styles suarez suggs sullivan summerlin summers sumner sumpter sun surratt
sutherland sutter sutton swafford swain swan swank swann swanson swartz swearingen sweat sweeney
sweet swenson swift swisher switzer swope sykes sylvester taber tabor tackett tafoya taft
taggart talbert talbot talbott tallent talley tam tamayo tan tanaka tang tanner tapia tapp
tarver tate tatum tavares taylor teague teal teel teeter tejada tejeda tellez temple templeton
tennant tenney terrell terrill terry thacker thames thao tharp thatcher thayer theriault theriot
thibodeau thibodeaux thiel thigpen thomas thomason thompson thomsen thomson thorn thornburg
thorne thornhill thornton thorp thorpe thorton thrash thrasher thurman thurston tibbetts tibbs
tice tidwell tierney tijerina tiller tillery tilley tillman tilton timm timmerman timmons
tindall tinker tinsley tipton tirado tisdale titus tobias tobin todd tolbert toledo toler
toliver tolley tolliver tom tomlin tomlinson tompkins toney tong toro torrence torres torrez
toscano toth totten tovar towle townes towns townsend tracey tracy trahan trammell tran trapp
trask travers travis traylor treadway treadwell treat trejo tremblay trent trevino tribble trice
trimble trinidad triplett tripp trombley trotter trout troutman trowbridge troy trudeau true
truitt trujillo truong tubbs tuck tucker tuggle turk turley turman turnbull turner turney turpin
tuttle tyler tyner tyree tyson ulmer ulrich underhill underwood unger upchurch upshaw upton
urban urbina uribe usher utley vail valadez valdes valdez valencia valenti valentin valentine
valenzuela valerio valle vallejo valles van vanburen vance vandiver vandyke vang vanhoose
vanhorn vanmeter vann vanover vanwinkle varela vargas varner varney vasquez vaughan vaughn
vaught vazquez veal vega vela velasco velasquez velazquez velez venable venegas ventura vera
verdin vergara vernon vest vetter vick vickers vickery victor vidal vieira viera vigil villa
villagomez villalobos villanueva villareal villarreal villasenor villegas vincent vines vinson
vitale vo vogel vogt voigt volz voss vu vue waddell wade wadsworth waggoner wagner wagoner wahl
waite wakefield walden waldron waldrop walker wall wallace wallen waller wallin walling wallis
walls walsh walston walter walters walton wampler wang ward warden ware warfield warner warren
washburn washington wasson waterman waters watkins watson watt watters watts waugh way wayne
weatherford weatherly weathers weaver webb webber weber webster weddle weed weeks weems weinberg
weiner weinstein weir weis weiss welch weldon welker weller wellman wells welsh wendt wenger
wentworth wentz wenzel werner wertz wesley west westbrook wester westfall westmoreland weston
wetzel whalen whaley wharton whatley wheat wheatley wheaton wheeler whelan whipple whitaker
whitcomb white whited whitehead whitehurst whiteman whiteside whitfield whiting whitley whitlock
whitlow whitman whitmire whitmore whitney whitson whitt whittaker whitten whittington whittle
whitworth whyte wick wicker wickham wicks wiese wiggins wilbanks wilber wilbur wilburn wilcox
wild wilde wilder wiles wiley wilhelm wilhite wilke wilkerson wilkes wilkins wilkinson wilks
will willard willett willey william williams williamson willie williford willingham willis
willoughby wills willson wilmoth wilson wilt wimberly winchester windham windsor winfield
winfrey wing wingate wingfield winkler winn winslow winstead winston winter winters wirth wise
wiseman wisniewski witcher withers witherspoon withrow witt witte wofford wolcott wolf wolfe
wolff wolford womack wong woo wood woodall woodard woodbury woodcock wooden woodley woodruff
woods woodson woodward woodworth woody wooldridge wooley wooten word worden workman worley
worrell worsham worth wortham worthington worthy wray wren wright wu wyant wyatt wylie wyman
wynn wynne xiong yamamoto yancey yanez yang yarborough yarbrough yates yazzie ybarra yeager yee
yi yocum yoder yoo yoon york yost young youngblood younger yount yu zambrano zamora zapata
zaragoza zarate zavala zeigler zeller zepeda zhang ziegler zielinski zimmer zimmerman zink zook
zuniga
"""

CENSUS_GIVEN: frozenset[str] = frozenset(_GIVEN.split())
CENSUS_FAMILY: frozenset[str] = frozenset(_FAMILY.split())
