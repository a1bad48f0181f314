"""Common given and family names (folded), so a typo guard can tell "joan" from "jhon".

The roster's own names (students included) are added at index time; this list covers teachers
who are absent from the roster and whose names the roster happens not to contain.
"""

from __future__ import annotations

from checks.matching.census_names import CENSUS_FAMILY, CENSUS_GIVEN
from checks.matching.nicknames import all_names

_GIVEN = """
aaron abigail adam adrian aidan aiden alan albert alejandro alex alexa alexander alexandra
alexis alice alicia alison allison alma alyssa amanda amber amy ana andre andrea andres andrew
angela angelica angie anita ann anna anne annie anthony antonio april ariana arthur ashley
audrey austin barbara ben benjamin beth betty beverly bill billy blake bonnie brad bradley
brandon brenda brett brian brianna bridget brittany brooke bruce bryan caitlin caleb calvin
cameron carl carla carlos carmen carol caroline carolyn carrie casey cassandra catherine cathy
cecilia chad charles charlene charlotte chase chelsea cheryl chloe chris christian christina
christine christopher cindy claire clara claudia clayton cody colin colleen connor corey
courtney craig crystal curtis cynthia dale dana daniel danielle darlene darren dave david dawn
dean deanna debbie deborah debra denise dennis derek diana diane dolores dominic don donald
donna doris dorothy douglas dustin dylan earl eddie edgar edith eduardo edward eileen elaine
eleanor elena eli elijah elizabeth ella ellen emily emma eric erica erik erin esther ethan
eugene eva evan evelyn faith felicia felix fernando frances francisco frank gabriel gabriela
gail gary gavin gene george gerald gina glen glenda gloria grace grant greg gregory gwen hailey
hannah harold harry heather hector heidi helen henry holly hope howard hugo ian irene isaac
isabel isabella ivan jack jackie jacob jacqueline jaime jake james jamie jan jane janet janice
jared jason javier jay jean jeanne jeff jeffrey jenna jennifer jenny jeremy jerry jesse jessica
jesus jill jim jimmy jo joan joann joanna joanne joe joel john johnny jon jonathan jordan jorge
jose joseph josephine josh joshua joy joyce juan judith judy julia julian julie justin karen
karl kate katherine kathleen kathryn kathy katie katrina kay kayla keith kelly ken kendra
kenneth kevin kim kimberly kirk kristen kristin kristina kurt kyle lance larry laura lauren
laurie leah lee leo leon leslie lillian lily linda lindsay lisa logan lois lori lorraine louis
louise lucas lucy luis luke lydia lynn madison maggie manuel marcia marco marcus margaret maria
marian marie marilyn mario marion marissa mark marsha martha martin marvin mary mason matthew
maureen max megan melanie melinda melissa melvin mia michael michele michelle miguel mike
mildred miranda molly monica morgan nancy naomi natalie nathan neil nicholas nick nicole noah
nora norma olivia oscar owen pablo pamela patricia patrick paul paula pedro peggy penny peter
philip phillip phyllis rachel ralph ramon randall randy raquel ray raymond rebecca regina renee
rhonda ricardo richard rick rita rob robert roberta robin rodney roger ron ronald rosa rose
ross roy ruby russell ruth ryan sabrina sally samantha samuel sandra sandy sara sarah scott
sean sergio seth shannon sharon shawn sheila shelby shirley sofia sonia sophia stacy stanley
stephanie stephen steve steven sue susan suzanne sydney sylvia tamara tammy tanya tara taylor
ted teresa terri terry theresa thomas tiffany tim timothy tina todd tom tommy tony tracy travis
trevor tyler valerie vanessa vera veronica vicki victor victoria vincent virginia walter wanda
warren wayne wendy wesley william willie wyatt yolanda yvonne zachary zoe
"""

_FAMILY = """
adams aguilar alexander allen alvarez anderson andrews armstrong bailey baker barnes bell
bennett black boyd bradley brooks brown bryant burns butler campbell carter castillo castro
chavez chen clark cole coleman collins cook cooper cox crawford cruz cunningham daniels davis
diaz dixon dunn edwards elliott ellis evans ferguson fernandez fisher flores ford foster fox
freeman garcia gardner gibson gomez gonzales gonzalez gordon graham grant gray green griffin
gutierrez hall hamilton harris harrison hart hayes henderson henry hernandez herrera hicks hill
hoffman holmes howard hudson hughes hunt hunter jackson james jenkins jimenez johnson jones
jordan kelly kennedy kim king knight lee lewis long lopez marshall martin martinez mason
mcdonald medina mendoza meyer miller mills mitchell moore morales moreno morgan morris murphy
murray myers nelson nguyen nichols olson ortiz owens palmer parker patel patterson perez perry
peters peterson phillips pierce porter powell price ramirez ramos reed reyes reynolds rice
richardson rivera roberts robertson robinson rodriguez rogers romero ross ruiz russell ryan
sanchez sanders schmidt scott shaw simmons simpson smith snyder spencer stephens stevens
stewart stone sullivan taylor thomas thompson torres tran tucker turner vasquez wagner walker
wallace ward warren washington watson weaver webb wells west white williams willis wilson wood
woods wright young
"""

COMMON_NAMES: frozenset[str] = (
    frozenset(_GIVEN.split()) | frozenset(_FAMILY.split()) | all_names() | CENSUS_GIVEN
    | CENSUS_FAMILY
)
