"""The department counter (所管課): the resident handed over from the one-stop counter with their case, the
procedures of the signed plan that are this department's, and the department's decision on each of them
(受理・不受理), taken only by a city employee who may decide (decide_application)."""
